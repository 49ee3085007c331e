package io.kube9.agent.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import picocli.CommandLine.Option;

/** {@code --db}: which journal to read. */
final class JournalOptions {
    @Option(names = "--db", paramLabel = "PATH", defaultValue = "${env:KUBE9_JOURNAL_PATH:-kube9-events.db}",
            description = "Journal file to read (default: ${DEFAULT-VALUE}; env KUBE9_JOURNAL_PATH).")
    String path;

    JournalReader open() {
        return JournalReader.open(Paths.get(path));
    }

    Path path() {
        return Paths.get(path);
    }
}
