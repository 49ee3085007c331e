package io.kube9.agent.cli;

/** A JVM on this machine that the attach API can see. */
final class LocalJvm {
    final long pid;
    /** The main class or jar, as the JVM reports its command; empty when it reports none. */
    final String main;
    final String arguments;

    LocalJvm(long pid, String command) {
        this.pid = pid;
        String trimmed = command == null ? "" : command.trim();
        int space = trimmed.indexOf(' ');
        this.main = space < 0 ? trimmed : trimmed.substring(0, space);
        this.arguments = space < 0 ? "" : trimmed.substring(space + 1).trim();
    }
}
