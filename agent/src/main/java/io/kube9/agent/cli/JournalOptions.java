package io.kube9.agent.cli;

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
        return Paths.get(path);
    }
}
