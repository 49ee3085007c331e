package io.kube9.agent.cli;

/**
 * A failure the user can act on (a missing journal, an unknown id, a process that refuses the
 * attach). Its message is printed as one line after {@code kube9: }, never with a stack trace.
 * Mistakes in the command line itself are picocli's {@code ParameterException}s instead (exit 2).
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
