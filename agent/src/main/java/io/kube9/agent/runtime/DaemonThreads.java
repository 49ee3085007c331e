package io.kube9.agent.runtime;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every thread the agent starts: a named daemon, so it never keeps the JVM alive, and one whose
 * failure the agent's log tells (in its own words, once) instead of the JVM printing a stack trace
 * among the service's output.
 */
final class DaemonThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();

    DaemonThreads(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
        thread.setDaemon(true);
        thread.setContextClassLoader(DaemonThreads.class.getClassLoader());
        thread.setUncaughtExceptionHandler((failed, e) -> AgentLog.warn("agent thread " + failed.getName()
                + " stopped on an unexpected " + e + (e.getStackTrace().length == 0 ? "" : " at " + e.getStackTrace()[0])));
        return thread;
    }
}
