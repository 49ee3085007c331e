package io.kube9.agent.cli;

import io.kube9.agent.runtime.Version;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
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
 * When the reader of stdout goes away ({@code | head}), the command stops quietly with 141.
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
    /** Set to show stack traces of unexpected errors. */
    static final String DEBUG_ENV = "KUBE9_DEBUG";

    private Cli() {}

    public static void main(String[] args) {
        // Our own process (not a host application's), so exiting with the status is right here.
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        // UTF-8 whatever the locale: without LANG (kubectl exec, cron) the default charset wrote every
        // non-ASCII character of the journal as '?', in JSON and CSV too.
        PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
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
            // PrintWriter and PrintStream swallow write errors; checkError flushes and reports them.
            return exitCode == 0 && outWriter.checkError() ? EXIT_OUTPUT_CLOSED : exitCode;
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        StringBuilder message = new StringBuilder(PREFIX).append(oneLine(e.getMessage()));
        if (e instanceof UnmatchedArgumentException) {
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
