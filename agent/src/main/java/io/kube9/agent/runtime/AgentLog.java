package io.kube9.agent.runtime;

import java.io.PrintStream;
import java.time.Instant;

/**
 * The agent's log: one line per message on stderr, prefixed so it is easy to find in the
 * service's output. Deliberately not java.util.logging: initialising the JDK's LogManager from
 * premain would fix it before the service's own logging set-up can choose a manager.
 */
public final class AgentLog {
    private static final PrintStream ERR = System.err;

    private AgentLog() {}

    public static void info(String message) {
        ERR.println("[kube9-agent] " + message);
    }

    public static void warn(String message) {
        ERR.println("[kube9-agent] WARNING " + Instant.now() + " " + message);
    }
}
