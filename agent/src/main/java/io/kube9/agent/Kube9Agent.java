package io.kube9.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The jar's entry points: {@code premain} ({@code -javaagent}), {@code agentmain} (runtime attach)
 * and {@code main} (the command line).
 *
 * <p>This class is a trampoline. It is loaded by the application's system class loader, so it
 * uses JDK types only: it puts the bridge on the bootstrap class path, builds the agent's own
 * class loader over the jar's hidden {@code kube9-inst/} tree and hands over. Whatever goes
 * wrong, it prints one line and returns: the host application always keeps running.
 */
public final class Kube9Agent {
    private static final String RUNTIME = "io.kube9.agent.runtime.AgentRuntime";
    private static final String INJECTOR = "io.kube9.agent.runtime.BridgeInjector";
    private static final String CLI = "io.kube9.agent.cli.Cli";

    private Kube9Agent() {}

    public static void premain(String args, Instrumentation instrumentation) {
        start(args, instrumentation, false);
    }

    public static void agentmain(String args, Instrumentation instrumentation) {
        start(args, instrumentation, true);
    }

    /** The command line; unlike the agent entry points, this is our own process to exit. */
    public static void main(String[] args) throws Exception {
        File jar = agentJar();
        ClassLoader loader = new AgentClassLoader(jar, ClassLoader.getSystemClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        Method run = loader.loadClass(CLI).getMethod("main", String[].class);
        try {
            run.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw (e.getCause() instanceof Exception) ? (Exception) e.getCause() : e;
        }
    }

    private static void start(String args, Instrumentation instrumentation, boolean attached) {
        try {
            File jar = agentJar();
            if (JdkTools.isJdkTool(jar)) {
                return; // jcmd, jps, keytool … started with JAVA_TOOL_OPTIONS: stay out of their way
            }
            // Parent: the platform loader, so java.sql and jdk.httpserver resolve but nothing of
            // the application's class path does.
            ClassLoader loader = new AgentClassLoader(jar, ClassLoader.getPlatformClassLoader());
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(loader);
            try {
                // The bridge first: the runtime's classes refer to it.
                Object bridge = loader.loadClass(INJECTOR).getMethod("inject", Instrumentation.class, File.class)
                        .invoke(null, instrumentation, jar);
                Method start = loader.loadClass(RUNTIME)
                        .getMethod("start", String.class, Instrumentation.class, boolean.class, String.class);
                start.invoke(null, args, instrumentation, attached, bridge);
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
            System.err.println("[kube9-agent] not started, the application runs without it: " + cause);
        }
    }

    private static File agentJar() throws Exception {
        return new File(Kube9Agent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
