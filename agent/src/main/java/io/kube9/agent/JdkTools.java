package io.kube9.agent;

/**
 * Recognises JVMs that are tools rather than services. With the agent in
 * {@code JAVA_TOOL_OPTIONS} every {@code jcmd}, {@code jps} or {@code keytool} would otherwise
 * start an exporter and open a journal.
 */
final class JdkTools {
    private JdkTools() {}

    /**
     * @param agentJar the agent's own jar: its command line ({@code java -jar kube9-agent.jar query …})
     *     is a tool too, typically run by {@code kubectl exec} with the pod's JAVA_TOOL_OPTIONS
     */
    static boolean isJdkTool(java.io.File agentJar) {
        String command = System.getProperty("sun.java.command", "");
        String main = command.split(" ", 2)[0];
        if (!main.isEmpty() && new java.io.File(main).getAbsoluteFile().equals(agentJar.getAbsoluteFile())) {
            return true;
        }
        // Launched from a module ("jdk.jcmd/sun.tools.jcmd.JCmd", "java.base/sun.security.tools.keytool.Main")
        int slash = main.indexOf('/');
        if (isSourceLauncher(main.substring(slash + 1))) {
            return false; // java [options] Program.java: the JDK compiles it, but it is the user's program
        }
        if (slash > 0) {
            String module = main.substring(0, slash);
            return module.startsWith("jdk.") || module.startsWith("java.");
        }
        return main.startsWith("jdk.")
                || main.startsWith("sun.tools.")
                || main.startsWith("sun.security.tools.")
                || main.startsWith("com.sun.tools.")
                || main.startsWith("jdk.internal.");
    }

    /** The main class of {@code java Program.java} (JEP 330; renamed in JDK 22 for JEP 458). */
    private static boolean isSourceLauncher(String mainClass) {
        return mainClass.equals("com.sun.tools.javac.launcher.Main")
                || mainClass.equals("com.sun.tools.javac.launcher.SourceLauncher");
    }
}
