package io.kube9.agent.cli;

import io.kube9.agent.runtime.Version;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line in the agent jar, reached through {@code Kube9Agent.main} in the agent's own
 * class loader:
 *
 * <pre>{@code
 * java -jar kube9-agent.jar query events list --db /data/kube9-events.db --since 15m --type OrderPlaced
 * java -jar kube9-agent.jar query events tail --follow
 * java -jar kube9-agent.jar attach 4242 exporter.port=9469
 * }</pre>
 *
 * <p>Every failure is one line on stderr starting with {@code kube9: }: exit 2 for a mistake in
 * the command line, 1 for anything else (a missing journal, an unknown id, a refused attach).
 * When the reader of stdout goes away ({@code | head}), the command stops quietly with 141; any
 * other failure to write it (a full disk) is said, with exit 1.
 */
public final class Cli {
    static final String NAME = "java -jar kube9-agent.jar";
    static final String PREFIX = "kube9: ";
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    /**
     * stdout was closed by its reader. A shell reports 128 + SIGPIPE (13) for a tool that the
     * signal killed, as in {@code seq 1000000 | head -1}; the JVM ignores SIGPIPE and sees a failed
     * write instead, so the CLI answers with the same status and says nothing.
     */
    static final int EXIT_OUTPUT_CLOSED = 141;
    /**
     * Set to show stack traces of unexpected errors, and what sqlite-jdbc logs (its failures, a
     * native library it could not unpack, say: without it the CLI says what went wrong in one
     * line; the agent's own {@link org.sqlite.util.LoggerFactory} reads the same variable).
     */
    static final String DEBUG_ENV = org.sqlite.util.LoggerFactory.DEBUG_ENV;

    private Cli() {}

    public static void main(String[] args) {
        // Our own process (not a host application's), so exiting with the status is right here.
        // stdout itself rather than System.out, which would swallow the cause of a failed write.
        System.exit(run(args, new FileOutputStream(FileDescriptor.out), System.err));
    }

    /** {@code out} is written as it is: over a PrintStream, which swallows write failures, none would be seen. */
    static int run(String[] args, OutputStream out, PrintStream err) {
        FailureRecordingOutput stdout = new FailureRecordingOutput(out);
        // UTF-8 whatever the locale: without LANG (kubectl exec, cron) the default charset wrote every
        // non-ASCII character of the journal as '?', in JSON and CSV too.
        PrintWriter outWriter = new PrintWriter(stdout, true, StandardCharsets.UTF_8);
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        CommandLine commandLine = new CommandLine(new Kube9Command())
                .setCaseInsensitiveEnumValuesAllowed(true)
                // An argument starting with @ is a value (a type or an id may start with one), never
                // a file to read arguments from: --type @/etc/passwd printed that file's lines.
                .setExpandAtFiles(false)
                .setOut(outWriter)
                .setErr(errWriter)
                .setParameterExceptionHandler(Cli::usageError)
                .setExecutionExceptionHandler(Cli::failure);
        try {
            int exitCode = commandLine.execute(args);
            // PrintWriter swallows write errors; checkError flushes and reports them.
            if ((exitCode == 0 || exitCode == EXIT_OUTPUT_CLOSED) && outWriter.checkError()) {
                return outputFailed(stdout.failure(), errWriter);
            }
            return exitCode;
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /**
     * A reader that went away ({@code | head}) is the normal end of a pipeline: quiet, 141. Any
     * other failure (a full disk, an I/O error) lost output the user asked for: said, exit 1.
     * Without a recorded cause (stdout was a PrintStream, which swallows it), the former.
     */
    private static int outputFailed(IOException failure, PrintWriter err) {
        if (failure == null || isClosedPipe(failure)) {
            return EXIT_OUTPUT_CLOSED;
        }
        err.println(PREFIX + "could not write the output: " + oneLine(failure.getMessage()));
        return EXIT_FAILURE;
    }

    /**
     * EPIPE. Java gives no error number, only the system's text for it, "Broken pipe"; a locale
     * that words it otherwise gets a closed pipe said rather than hidden, never the reverse.
     */
    private static boolean isClosedPipe(IOException failure) {
        String message = failure.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("broken pipe");
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        String afterEndOfOptions = e instanceof UnmatchedArgumentException
                ? afterEndOfOptions((UnmatchedArgumentException) e, args) : null;
        StringBuilder message = new StringBuilder(PREFIX)
                .append(oneLine(afterEndOfOptions != null ? afterEndOfOptions : e.getMessage()));
        if (e instanceof UnmatchedArgumentException && afterEndOfOptions == null) {
            List<String> suggestions = ((UnmatchedArgumentException) e).getSuggestions();
            if (!suggestions.isEmpty()) {
                message.append("; did you mean ")
                        .append(String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))))
                        .append('?');
            }
        }
        message.append(" (see '").append(commandLine.getCommandSpec().qualifiedName()).append(" --help')");
        commandLine.getErr().println(message);
        return EXIT_USAGE;
    }

    /**
     * What is wrong with words after {@code --}, or null when the unmatched words are not all
     * after it. Picocli calls them unknown options when they look like options, and suggests the
     * very option given ("Unknown options: '--limit', '5'; did you mean --limit?").
     */
    private static String afterEndOfOptions(UnmatchedArgumentException e, String[] args) {
        List<String> words = Arrays.asList(args);
        List<String> unmatched = e.getUnmatched();
        int firstUnmatched = words.size() - unmatched.size();
        if (unmatched.isEmpty() || firstUnmatched < 0 || !words.subList(0, firstUnmatched).contains("--")
                || !words.subList(firstUnmatched, words.size()).equals(unmatched)) {
            return null;
        }
        CommandSpec command = e.getCommandLine().getCommandSpec();
        List<String> labels = new ArrayList<>();
        for (PositionalParamSpec positional : command.positionalParameters()) {
            labels.add(positional.paramLabel());
        }
        return (unmatched.size() == 1 ? "unexpected argument " : "unexpected arguments ")
                + "'" + String.join("', '", unmatched) + "' after '--': " + command.name()
                + (labels.isEmpty() ? " takes no arguments" : " takes only " + String.join(" ", labels))
                + ", and after '--' every word is one, even one starting with '-'";
    }

    private static int failure(Exception e, CommandLine commandLine, ParseResult parsed) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof CliException) {
            err.println(PREFIX + oneLine(e.getMessage()));
            return EXIT_FAILURE;
        }
        boolean debug = System.getenv(DEBUG_ENV) != null;
        err.println(PREFIX + "unexpected error: " + oneLine(String.valueOf(e))
                + (debug ? "" : " (" + DEBUG_ENV + "=1 shows the stack trace)"));
        if (debug) {
            e.printStackTrace(err);
        }
        return EXIT_FAILURE;
    }

    static String oneLine(String message) {
        return message == null ? "" : message.trim().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kube9-agent " + Version.current()};
        }
    }
}
