package io.kube9.agent.cli;

import static io.kube9.agent.cli.TestJournal.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal in a directory this process cannot write (a read-only mount, a backup). The tests may
 * run as root, who can write anywhere, so the directory is declared read-only through
 * {@link JournalReader#open(Path, Predicate)}; what SQLite then does with the real files is real.
 */
class ReadOnlyDirectoryTest {
    private static final Predicate<Path> READ_ONLY = directory -> false;

    @TempDir
    Path directory;

    @Test
    void aJournalWithoutALogIsReadAsImmutableAndNothingIsCreatedBesideIt() throws Exception {
        Path journal = closedJournalWithRows(3);

        try (JournalReader reader = JournalReader.open(journal, READ_ONLY)) {
            assertThat(reader.count(EventFilter.ALL)).isEqualTo(3);
        }
        assertThat(files()).containsExactly(journal);

        // Whereas an ordinary read-only open needs -wal and -shm files, and creates them.
        try (JournalReader reader = JournalReader.open(journal, writable -> true)) {
            assertThat(reader.count(EventFilter.ALL)).isEqualTo(3);
        }
        assertThat(files()).contains(log(journal), Path.of(journal + "-shm"));
    }

    @Test
    void aPathWithCharactersThatMeanSomethingInAUriIsReadAsImmutable() throws Exception {
        Path odd = Files.createDirectory(directory.resolve("backup 50%20 #2"));
        Path journal;
        try (TestJournal writer = TestJournal.create(odd)) {
            writer.insert(row());
            journal = writer.path;
        }

        try (JournalReader reader = JournalReader.open(journal, READ_ONLY)) {
            assertThat(reader.count(EventFilter.ALL)).isEqualTo(1);
        }
        try (var files = Files.list(odd)) {
            assertThat(files).containsExactly(journal);
        }
    }

    @Test
    void anEmptyLogCountsAsNoLog() throws Exception {
        Path journal = closedJournalWithRows(2);
        Files.createFile(log(journal)); // what a read-only open leaves behind

        try (JournalReader reader = JournalReader.open(journal, READ_ONLY)) {
            assertThat(reader.count(EventFilter.ALL)).isEqualTo(2);
        }
        assertThat(files()).containsExactlyInAnyOrder(journal, log(journal));
    }

    @Test
    void rowsStillInTheLogAreRead() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            for (int i = 0; i < 4; i++) {
                journal.insert(row()); // committed to the -wal file; the writer has not checkpointed
            }
            assertThat(Files.size(log(journal.path))).isPositive();

            try (JournalReader reader = JournalReader.open(journal.path, READ_ONLY)) {
                assertThat(reader.count(EventFilter.ALL)).as("immutable would read the file alone").isEqualTo(4);
            }
        }
    }

    @Test
    void aLogThatCannotBeUsedIsExplained() throws Exception {
        // A copy of a live journal: its last rows are only in the -wal file.
        Path backup = Files.createDirectory(directory.resolve("backup"));
        Path journal = backup.resolve("kube9-events.db");
        try (TestJournal live = TestJournal.create(directory)) {
            live.insert(row());
            Files.copy(live.path, journal);
            Files.copy(log(live.path), log(journal), StandardCopyOption.COPY_ATTRIBUTES);
        }
        // SQLite can neither open nor create the shared-memory file, as in a read-only directory.
        Files.createSymbolicLink(Path.of(journal + "-shm"), directory.resolve("no-such-directory").resolve("shm"));

        assertThatThrownBy(() -> JournalReader.open(journal, READ_ONLY))
                .isInstanceOf(CliException.class)
                .hasMessage("cannot read journal " + journal + ": its directory is read-only, and SQLite cannot read"
                        + " its write-ahead log " + log(journal) + " there; copy the journal and its -wal file to a"
                        + " writable directory");
        // In a writable directory the same failure is the -shm file's own.
        assertThatThrownBy(() -> JournalReader.open(journal, writable -> true))
                .isInstanceOf(CliException.class)
                .hasMessage("cannot read journal " + journal + ": its shared-memory file " + journal + "-shm is a"
                        + " symbolic link to a missing file");
    }

    private Path closedJournalWithRows(int rows) throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            for (int i = 0; i < rows; i++) {
                journal.insert(row());
            }
            return journal.path;
        } // closing the last connection checkpoints the log into the file and deletes it
    }

    private static Path log(Path journal) {
        return Path.of(journal + "-wal");
    }

    private Path[] files() throws Exception {
        try (var files = Files.list(directory)) {
            return files.toArray(Path[]::new);
        }
    }
}
