package io.kube9.agent.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --db}: which journal to read. */
final class JournalOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--db", paramLabel = "PATH", defaultValue = "${env:KUBE9_JOURNAL_PATH:-kube9-events.db}",
            description = "Journal file to read (default: ${DEFAULT-VALUE}; env KUBE9_JOURNAL_PATH).")
    String path;

    JournalReader open() {
        return JournalReader.open(path());
    }

    /** An empty path would resolve to the working directory: a usage error, not "is a directory". */
    Path path() {
        if (path == null || path.isBlank()) {
            throw new ParameterException(command.commandLine(), "--db needs a path to a journal file (from --db"
                    + " or KUBE9_JOURNAL_PATH), found \"" + (path == null ? "" : path) + "\"");
        }
        try {
            return Paths.get(path);
        } catch (InvalidPathException e) {
            // A NUL, or (more often) a name outside the file-name encoding: under kubectl exec there is often no
            // locale at all, and Java then takes file names as ASCII.
            String encoding = System.getProperty("sun.jnu.encoding");
            boolean unmappable = !path.contains("\0");
            throw new ParameterException(command.commandLine(), "--db \"" + TextTable.printable(path)
                    + "\" is not a path this system can open (" + e.getReason() + ")"
                    + (unmappable ? "; file names are " + encoding + " here: give the JVM a UTF-8 locale"
                            + " (LANG=C.UTF-8)" : ""));
        }
    }
}
