package io.kube9.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kube9.agent.journal.Sqlite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files that are not a journal this CLI can read: one line on stderr, exit 1, the file untouched. */
class JournalErrorsTest {
    @TempDir
    Path directory;

    @Test
    void aNamedPipeOrADeviceIsNotAJournalAndIsNotWaitedFor() throws Exception {
        Path fifo = directory.resolve("fifo");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");

        for (Path file : new Path[] {fifo, Path.of("/dev/zero")}) { // before: the pipe hung for ever
            CliRun run = run("list", file);

            assertThat(run.exitCode).isEqualTo(1);
            assertThat(run.err).isEqualTo("kube9: " + file + " is not a regular file, so not a journal"
                    + System.lineSeparator());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "stats", "tail", "get 1"})
    void aMissingFileIsReportedAndNotCreated(String command) throws Exception {
        Path missing = directory.resolve("nothing-here.db");

        CliRun run = run(command, missing);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.out).isEmpty();
        assertThat(run.err).isEqualTo("kube9: no journal at " + missing
                + " (give its path with --db or KUBE9_JOURNAL_PATH)" + System.lineSeparator());
        try (var files = Files.list(directory)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void anotherApplicationsDatabaseIsRefused() throws Exception {
        Path other = directory.resolve("orders.db");
        try (Connection connection = Sqlite.openForWriting(other.toString());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL)");
            Sqlite.useWriteAheadLog(connection); // a WAL database: opening it would add -wal and -shm
        }
        byte[] before = Files.readAllBytes(other);

        CliRun run = run("list", other);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err).isEqualTo("kube9: " + other + " is not a kube9 journal" + System.lineSeparator());
        assertThat(Files.readAllBytes(other)).isEqualTo(before);
        try (var files = Files.list(directory)) {
            assertThat(files).as("no -wal or -shm beside another application's database").containsExactly(other);
        }
    }

    @Test
    void anotherApplicationsDatabaseWithAPendingLogIsRefusedBySqlite() throws Exception {
        Path other = directory.resolve("orders.db");
        try (Connection connection = Sqlite.openForWriting(other.toString());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL)");
            Sqlite.useWriteAheadLog(connection);
            statement.execute("PRAGMA wal_autocheckpoint = 0"); // keep the next change in the -wal file

            statement.execute("INSERT INTO orders (total) VALUES (9.5)");
            CliRun run = run("list", other);

            assertThat(run.exitCode).isEqualTo(1);
            assertThat(run.err).isEqualTo("kube9: " + other + " is not a kube9 journal" + System.lineSeparator());
        }
    }

    @Test
    void aJournalWhoseHeaderIsStillInTheLogIsRead() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            journal.insert(TestJournal.row());
            // The writer is open and has not checkpointed: the file on disk may lack the
            // application id, which the -wal file holds.
            CliRun run = run("list", journal.path);

            assertThat(run.exitCode).as(run.toString()).isZero();
            assertThat(run.out).contains("1-1 of 1 matching events");
        }
    }

    @Test
    void aWriteAheadLogThatCannotBeOpenedIsNamed() throws Exception {
        Path db;
        try (TestJournal journal = TestJournal.create(directory)) {
            db = journal.path;
            journal.insert(TestJournal.row());
        }
        Path log = Path.of(db + "-wal");
        Files.deleteIfExists(log);
        Files.deleteIfExists(Path.of(db + "-shm"));

        Files.createDirectory(log);
        CliRun directoryLog = run("list", db);
        Files.delete(log);
        Files.createSymbolicLink(log, directory.resolve("gone"));
        CliRun brokenLink = run("list", db);

        // before: "cannot read journal ...: [SQLITE_CANTOPEN] Unable to open the database file (...)"
        assertThat(directoryLog.exitCode).isEqualTo(1);
        assertThat(directoryLog.err).isEqualTo("kube9: cannot read journal " + db + ": its write-ahead log " + log
                + " is a directory" + System.lineSeparator());
        assertThat(brokenLink.exitCode).isEqualTo(1);
        assertThat(brokenLink.err).isEqualTo("kube9: cannot read journal " + db + ": its write-ahead log " + log
                + " is a symbolic link to a missing file" + System.lineSeparator());
    }

    @Test
    void aJournalFromANewerAgentIsRefused() throws Exception {
        Path newer;
        try (TestJournal journal = TestJournal.create(directory)) {
            newer = journal.path;
        }
        try (Connection connection = Sqlite.openForWriting(newer.toString());
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA user_version = 99");
        }

        CliRun run = run("list", newer);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err).isEqualTo("kube9: " + newer + " was written by a newer kube9 agent (schema version 99)"
                + System.lineSeparator());
    }

    @Test
    void aFileThatIsNotSqliteIsRefused() throws Exception {
        Path text = directory.resolve("notes.db");
        Files.write(text, "just some text, long enough to be more than a header would be............................"
                .repeat(4).getBytes(StandardCharsets.UTF_8));

        CliRun run = run("list", text);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err).isEqualTo("kube9: " + text + " is not a kube9 journal (not an SQLite database)"
                + System.lineSeparator());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16, 40, 99})
    void aFileShorterThanAHeaderIsRefusedWithoutOpeningIt(int length) throws Exception {
        // The start of a real journal's header: SQLite itself would open that much as WAL mode.
        Path journal;
        try (TestJournal full = TestJournal.create(Files.createDirectory(directory.resolve("full")))) {
            journal = full.path;
        }
        byte[] start = Arrays.copyOf(Files.readAllBytes(journal), length);
        Path shortFile = Files.write(directory.resolve("short.db"), start);

        CliRun run = run("list", shortFile);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err).isEqualTo("kube9: " + shortFile + " is not a kube9 journal (" + length
                + " bytes, shorter than an SQLite header)" + System.lineSeparator());
        assertThat(Files.readAllBytes(shortFile)).isEqualTo(start);
        try (var files = Files.list(directory)) {
            assertThat(files).as("no -wal or -shm beside it").containsExactlyInAnyOrder(shortFile,
                    directory.resolve("full"));
        }
    }

    @Test
    void anEmptyFileIsNotAJournal() throws Exception {
        Path empty = Files.createFile(directory.resolve("empty.db"));

        CliRun run = run("list", empty);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err).isEqualTo("kube9: " + empty + " is not a kube9 journal" + System.lineSeparator());
        assertThat(Files.size(empty)).isZero();
        try (var files = Files.list(directory)) {
            assertThat(files).containsExactly(empty);
        }
    }

    @Test
    void aDirectoryIsNotAJournal() {
        CliRun run = run("list", directory);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err).isEqualTo("kube9: " + directory + " is a directory, not a journal file"
                + System.lineSeparator());
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "stats", "tail", "get 1"})
    void anEmptyPathIsAUsageError(String command) throws Exception {
        for (String empty : new String[] {"", " "}) {
            String[] words = ("query events " + command).split(" ");
            String[] args = Arrays.copyOf(words, words.length + 2);
            args[words.length] = "--db";
            args[words.length + 1] = empty;

            CliRun run = CliRun.run(args);

            assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
            assertThat(run.out).isEmpty();
            assertThat(run.err).isEqualTo("kube9: --db needs a path to a journal file (from --db or KUBE9_JOURNAL_PATH),"
                    + " found \"" + empty + "\" (see 'java -jar kube9-agent.jar query events " + words[2] + " --help')"
                    + System.lineSeparator());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "stats", "tail", "get 1"})
    void aPathThisSystemCannotOpenIsAUsageErrorThatSaysWhy(String command) throws Exception {
        String[] words = ("query events " + command).split(" ");
        String[] args = Arrays.copyOf(words, words.length + 2);
        args[words.length] = "--db";
        args[words.length + 1] = "/tmp/journal\0.db";

        CliRun run = CliRun.run(args);

        assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
        assertThat(run.out).isEmpty();
        assertThat(run.err).startsWith("kube9: --db \"/tmp/journal\\u0000.db\" is not a path this system can open (")
                .doesNotContain("Exception").endsWith(" --help')" + System.lineSeparator());
    }

    private static CliRun run(String command, Path db) {
        String[] words = command.split(" ");
        String[] args = new String[words.length + 4];
        args[0] = "query";
        args[1] = "events";
        System.arraycopy(words, 0, args, 2, words.length);
        args[words.length + 2] = "--db";
        args[words.length + 3] = db.toString();
        return CliRun.run(args);
    }
}
