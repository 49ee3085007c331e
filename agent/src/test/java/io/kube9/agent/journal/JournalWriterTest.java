package io.kube9.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.kube9.agent.config.Keys;
import io.kube9.agent.config.TestConfigs;
import io.kube9.agent.metrics.AgentMetrics;
import io.kube9.agent.metrics.Scraped;
import io.kube9.agent.queue.CapturedEvent;
import io.kube9.agent.queue.EventQueue;
import io.kube9.agent.queue.Lane;
import io.kube9.agent.queue.Slots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalWriterTest {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final JournalWriter.Retention KEEP_ALL = new JournalWriter.Retention(Duration.ZERO, 0);
    private static final Duration FLUSH = TestConfigs.defaults().get(Keys.JOURNAL_FLUSH_INTERVAL);
    private static final ThreadFactory THREADS = task -> {
        Thread thread = new Thread(task, "test-journal-writer");
        thread.setDaemon(true);
        return thread;
    };

    @TempDir
    Path dir;

    private final EventQueue queue = new EventQueue(1024);
    private final AgentMetrics metrics = new AgentMetrics(200);
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<JournalWriter> opened = new ArrayList<>();

    @AfterEach
    void closeWriters() {
        for (JournalWriter writer : opened) {
            writer.close(CLOSE_TIMEOUT);
        }
    }

    // ---- the file -----------------------------------------------------------------------------

    @Test
    void openCreatesTheJournalOwnerOnly() throws Exception {
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
        Path file = dir.resolve("journal.db");

        JournalWriter writer = open(file, KEEP_ALL, false, 0);

        assertThat(writer.path()).isEqualTo(file.toAbsolutePath());
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        for (String suffix : List.of("-wal", "-shm")) {
            Path companion = dir.resolve("journal.db" + suffix);
            if (Files.exists(companion)) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(companion)))
                        .as(companion.toString()).isEqualTo("rw-------");
            }
        }
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
    }

    @Test
    void aNewJournalCarriesItsSchemaVersionAndApplicationId() throws Exception {
        Path file = dir.resolve("journal.db");
        open(file, KEEP_ALL, false, 0).close(CLOSE_TIMEOUT);

        try (Connection connection = connect(file)) {
            assertThat(JournalSchema.pragma(connection, "user_version")).isEqualTo(JournalSchema.VERSION);
            assertThat(JournalSchema.pragma(connection, "application_id")).isEqualTo(JournalSchema.APPLICATION_ID);
            assertThat(query(connection, "PRAGMA journal_mode")).containsExactly(List.of("wal"));
            assertThat(JournalSchema.pragma(connection, "page_size")).isEqualTo(JournalSchema.PAGE_SIZE);
            assertThat(query(connection, "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'events_%'"
                    + " ORDER BY name")).containsExactly(List.of("events_aggregate_id"),
                    List.of("events_recorded_at_type"));
            JournalSchema.checkReadable(connection, file.toString());
        }
    }

    @Test
    void aJournalInADirectoryWhoseNameHoldsUriCharactersIsWrittenThereAndReadBack() throws Exception {
        // sqlite-jdbc reads "?key=value&..." after a plain file name as its own settings
        Path odd = Files.createDirectory(dir.resolve("a?b=c&d=e#f g%41 ü"));
        Path file = odd.resolve("journal.db");
        JournalWriter writer = open(file, KEEP_ALL, false, 0);
        writer.start(THREADS);
        enqueue("order.created", 1);
        enqueue("order.paid", 2);
        writer.close(CLOSE_TIMEOUT);

        assertThat(file).isRegularFile();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("nothing created beside the directory").containsExactly(odd);
        }
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT event_type FROM events ORDER BY id"))
                    .containsExactly(List.of("order.created"), List.of("order.paid"));
        }
    }

    @Test
    void aMissingParentDirectoryIsAnIOExceptionNamingThePath() {
        Path file = dir.resolve("no/such/dir/journal.db");

        assertThatThrownBy(() -> open(file, KEEP_ALL, false, 0))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("does not exist");
        assertThat(dir.resolve("no")).doesNotExist();
    }

    @Test
    void aDirectoryIsRefusedAsADirectory() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("journal.db"));

        assertThatThrownBy(() -> open(directory, KEEP_ALL, false, 0))
                .isInstanceOf(IOException.class)
                .hasMessage("journal " + directory.toAbsolutePath() + " is a directory, not a file");
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aDanglingSymbolicLinkIsRefusedNamingItsTarget() throws Exception {
        Path target = dir.resolve("gone/journal.db");
        Path link = Files.createSymbolicLink(dir.resolve("journal.db"), target);

        assertThatThrownBy(() -> open(link, KEEP_ALL, false, 0))
                .isInstanceOf(IOException.class)
                .hasMessage("journal " + link.toAbsolutePath() + " is a symbolic link to " + target
                        + ", which does not exist");
        assertThat(target).doesNotExist();
    }

    @Test
    void aDeviceOrAPipeIsRefusedAsNotARegularFile() throws Exception {
        Path pipe = dir.resolve("journal.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();

        for (Path file : List.of(Paths.get("/dev/null"), pipe)) {
            assertThatThrownBy(() -> open(file, KEEP_ALL, false, 0))
                    .isInstanceOf(IOException.class)
                    .hasMessage("journal " + file.toAbsolutePath() + " is not a regular file (a device, a pipe or"
                            + " a socket); the journal must be a file of its own");
        }
        assertThat(Files.exists(Paths.get("/dev/null-wal"))).isFalse();
    }

    @Test
    void aWriterStuckInAnIdsToStringIsNotHealthyAndSaysWhereUntilItComesBack() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, KEEP_ALL, false, 0);
        writer.stallAfter(Duration.ofMillis(300));
        writer.start(THREADS);
        CountDownLatch release = new CountDownLatch(1);
        put(event -> {
            fill(event, "order.created", 1);
            event.eventId = new BlockingId(release);
        });

        await(() -> !writer.healthy(), "the stuck writer reads as not healthy");
        await(() -> warnings.size() == 1, "the stall said");
        assertThat(writer.healthy()).isFalse();
        assertThat(warnings).hasSize(1).allMatch(line -> line.startsWith("journal writer has been inside one step for")
                && line.contains("(in " + BlockingId.class.getName() + ".toString)"));
        release.countDown();

        await(() -> writer.inserted() == 1 && writer.healthy(), "written, and healthy again");
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT event_id FROM events")).containsExactly(List.of("order-id-1"));
        }
    }

    /** An id whose text waits for {@code release}, as one that takes a lock the service holds. */
    static final class BlockingId {
        private final CountDownLatch release;

        BlockingId(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public String toString() {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "order-id-1";
        }
    }

    @Test
    void aJournalDeletedWhileItIsWrittenStartsAgainAtItsPathAndTheDeletedFileIsLetGo() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = startedWithTwoRows(file);

        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(dir.resolve("journal.db" + suffix));
        }
        enqueue("order.shipped", 3);
        enqueue("order.delivered", 4);
        enqueue("order.returned", 5);
        await(() -> writer.inserted() == 5, "the next three rows written");

        assertThat(warnings).containsExactly("journal " + file.toAbsolutePath() + " is no longer the file the agent"
                + " opened (deleted or moved away); the journal starts again at that path");
        assertThat(writer.rows()).isEqualTo(3);
        assertThat(openDescriptorsOfDeletedFiles()).isEmpty();
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT event_type FROM events ORDER BY id")).containsExactly(
                    List.of("order.shipped"), List.of("order.delivered"), List.of("order.returned"));
            assertThat(JournalSchema.pragma(connection, "application_id")).isEqualTo(JournalSchema.APPLICATION_ID);
        }
    }

    @Test
    void aJournalEmptiedWhileItIsWrittenGetsItsTablesBackAndTheWaitingRows() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = startedWithTwoRows(file);
        // The commit hands the log to the checkpointer, which copies it within a few milliseconds: a file
        // emptied during that copy gets the log's pages back and looks whole (left: see BENCHMARKS.md).
        Thread.sleep(300);

        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(0); // as `: > journal.db` does
        }
        enqueue("order.shipped", 3);
        enqueue("order.delivered", 4);
        await(() -> writer.inserted() == 4, "the next two rows written");

        assertThat(warnings).containsExactly("journal " + file.toAbsolutePath() + " was emptied while the agent wrote"
                + " it; the journal starts again there");
        assertThat(writer.healthy()).isTrue();
        assertThat(writer.rows()).isEqualTo(2);
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
            assertThat(query(connection, "SELECT event_type FROM events ORDER BY id")).containsExactly(
                    List.of("order.shipped"), List.of("order.delivered"));
        }
    }

    @Test
    void aJournalWhoseDirectoryIsGoneWaitsForItAndStartsAgainWhenItIsBack() throws Exception {
        Path sub = dir.resolve("sub");
        Path file = sub.resolve("journal.db");
        JournalWriter writer = writtenOnceThenWithoutItsDirectory(file);
        await(() -> !writer.healthy(), "the journal unhealthy while idle with nowhere to write");
        enqueue("order.paid", 2);
        enqueue("order.shipped", 3);
        await(() -> warnings.size() == 2, "the journal said it cannot be opened again");
        assertThat(warnings.get(1)).isEqualTo("journal cannot be opened again: journal " + file.toAbsolutePath()
                + " cannot be created: directory " + sub.toAbsolutePath() + " does not exist; events wait in the"
                + " queue (its oldest dropped when full) while the agent tries again every second");
        assertThat(writer.healthy()).as("still nowhere to write").isFalse();
        assertThat(writer.inserted()).isEqualTo(1);

        Files.createDirectory(sub);
        await(() -> writer.inserted() == 3, "the waiting rows written to the journal started again");
        assertThat(writer.healthy()).isTrue();
        assertThat(warnings).hasSize(3).last().isEqualTo("journal " + file.toAbsolutePath() + " opened again");
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT event_type FROM events ORDER BY id")).containsExactly(
                    List.of("order.paid"), List.of("order.shipped"));
        }
    }

    @Test
    void dropsBeforeTheWriterStartedAreSaidOnceAsSuch() throws Exception {
        for (int i = 0; i < queue.capacity() + 6; i++) {
            enqueue("order.paid", i); // past the capacity, each drops the oldest (one at a time in a lane this small)
        }
        assertThat(queue.droppedWhenFull()).isEqualTo(6);

        JournalWriter writer = open(dir.resolve("journal.db"), KEEP_ALL, false, 0);
        writer.start(THREADS);
        await(() -> writer.inserted() == queue.capacity() && !warnings.isEmpty(), "written, and the drops said");

        assertThat(warnings).as("dropped before it wrote: not blamed on how fast it writes").singleElement()
                .isEqualTo("the queue was full before the journal could be written: 6 events dropped, oldest first"
                        + " (counted in kube9_events_dropped_total)");
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
        assertThat(warnings).as("not said again: nothing more was dropped").hasSize(1);
    }

    @Test
    void dropsWhileTheJournalCannotBeWrittenArePutDownToThatAndTheRestSaidOnceTheyStop() throws Exception {
        // The storage trial: lines said 396 of 23,000 drops (the first, then at most one a minute,
        // none when they stopped), and a later one put the outage's drops down to the writer's pace.
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, KEEP_ALL, false, 0);
        writer.start(THREADS);
        enqueue("order.created", 0);
        await(() -> writer.inserted() == 1, "a first row written");
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(), file.toString(), "writes")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            java.io.BufferedReader output = new java.io.BufferedReader(
                    new java.io.InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            assertThat(output.readLine()).isEqualTo("locked");
            enqueue("order.paid", -1);
            await(() -> !warnings.isEmpty(), "the failed write said");
            assertThat(warnings.get(0)).startsWith("journal write to " + file.toAbsolutePath() + " failed, retrying");
            for (int i = 0; i < queue.capacity() + 200; i++) {
                enqueue("order.paid", i);
            }
            await(() -> warnings.stream().anyMatch(line -> line.startsWith("the queue was full: ")), "the drops said");
            assertThat(warnings.get(1)).matches("the queue was full: \\d+ events dropped, oldest first \\(\\d+ in all,"
                    + " counted in kube9_events_dropped_total\\); the journal could not be written meanwhile \\(see the"
                    + " lines above\\)\\. Said at most once a minute while it lasts");
            for (int i = 0; i < 300; i++) {
                enqueue("order.shipped", i); // dropped too, said later
            }
        } finally {
            other.getOutputStream().close();
            assertThat(other.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        await(() -> warnings.size() == 3, "the end of the failed writes said");
        assertThat(warnings.get(2)).matches("journal " + java.util.regex.Pattern.quote(file.toAbsolutePath().toString())
                + " written again, after \\d+ failed attempts? in \\d+ s");
        // 10 s without a drop, and 30 s after the first line
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (warnings.size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(warnings).as("the rest said once the drops stopped, without waiting for the minute").hasSize(4);
        assertThat(warnings.get(3)).matches("the queue was full: \\d+ events dropped in the last \\d+ s, oldest first"
                + " \\(\\d+ in all, counted in kube9_events_dropped_total\\); the journal could not be written"
                + " meanwhile \\(see the lines above\\); none in the last [1-3]\\d s");
        long said = warnings.stream().filter(line -> line.startsWith("the queue was full: "))
                .mapToLong(line -> Long.parseLong(line.split(" ")[4])).sum();
        assertThat(said).as("every drop said").isEqualTo(queue.droppedWhenFull()).isGreaterThanOrEqualTo(300);
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
        assertThat(warnings).as("nothing left to say at close").hasSize(4);
    }

    @Test
    void eventsThatCannotBeWrittenAtExitAreCountedAsDroppedAndSaid() throws Exception {
        // Once uncounted: captured events were neither inserted nor dropped.
        Path file = dir.resolve("sub").resolve("journal.db");
        JournalWriter writer = writtenOnceThenWithoutItsDirectory(file);
        for (int i = 0; i < 5; i++) {
            enqueue("order.paid", i);
        }
        await(() -> warnings.size() == 2, "the journal said it cannot be opened again");

        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        assertThat(writer.inserted() + queue.dropped()).as("every event written or dropped").isEqualTo(6);
        assertThat(queue.dropped()).isEqualTo(5);
        assertThat(queue.size()).isZero();
        assertThat(warnings).last().isEqualTo("no journal could be opened at " + file.toAbsolutePath() + " as the JVM"
                + " exits; 5 queued events were not written (counted in kube9_events_dropped_total)");
    }

    @Test
    void aFileThatIsNotASqliteDatabaseIsRefusedAsSuchAndLeftUntouched() throws Exception {
        Path file = dir.resolve("notes.db");
        byte[] text = "These are notes, not a database. ".repeat(40).getBytes(StandardCharsets.UTF_8);
        Files.write(file, text);

        assertThatThrownBy(() -> open(file, KEEP_ALL, false, 0))
                .isInstanceOf(SQLException.class)
                .hasMessage("journal " + file.toAbsolutePath() + " is not a SQLite database");
        assertThat(Files.readAllBytes(file)).isEqualTo(text);
    }

    @Test
    void aJournalLockedByAnotherConnectionIsAFailureRecognisedAsALockAndNamingThePath() throws Exception {
        Path file = dir.resolve("journal.db");
        open(file, KEEP_ALL, false, 0).close(CLOSE_TIMEOUT);
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            java.io.BufferedReader output = new java.io.BufferedReader(
                    new java.io.InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            assertThat(output.readLine()).isEqualTo("locked");

            assertThatThrownBy(() -> open(file, KEEP_ALL, false, 0))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("journal " + file.toAbsolutePath())
                    .satisfies(failure -> assertThat(Sqlite.isLocked(failure)).isTrue());
        } finally {
            other.getOutputStream().close();
            assertThat(other.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Sqlite.isLocked(new SQLException("journal x.db is not a SQLite database"))).isFalse();
    }

    @Test
    void anotherApplicationsDatabaseIsRefusedAndLeftUntouched() throws Exception {
        Path file = dir.resolve("orders.db");
        try (Connection connection = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, new Properties());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER)");
            statement.execute("INSERT INTO orders (total) VALUES (42)");
        }
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> open(file, KEEP_ALL, false, 0))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is not a kube9 journal");

        byte[] after = Files.readAllBytes(file);
        assertThat(new byte[] {after[18], after[19]}).as("header: journal mode (1 = rollback, 2 = WAL)")
                .containsExactly(before[18], before[19]);
        assertThat(Arrays.equals(after, before)).as("the database file is unchanged, byte for byte").isTrue();
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT name FROM sqlite_master")).containsExactly(List.of("orders"));
            assertThat(query(connection, "PRAGMA journal_mode")).containsExactly(List.of("delete"));
            assertThat(JournalSchema.pragma(connection, "application_id")).isZero();
        }
    }

    @Test
    void aDatabaseThatThisProcessHasOpenIsNeverOpenedEvenWhenItIsEmpty() throws Exception {
        assumeThat(Files.isDirectory(Path.of("/proc/self/fd"))).as("Linux").isTrue();
        Path file = dir.resolve("orders.db");
        try (Connection service = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, new Properties());
                Statement statement = service.createStatement()) {
            statement.execute("PRAGMA user_version = 0"); // the file exists, with no table yet
            service.setAutoCommit(false);
            statement.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER)");
            statement.execute("INSERT INTO orders (total) VALUES (42)"); // a transaction in flight

            assertThatThrownBy(() -> open(file, KEEP_ALL, false, 0))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("is open in this JVM already");

            service.commit();
        }
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT name FROM sqlite_master")).containsExactly(List.of("orders"));
            assertThat(query(connection, "SELECT total FROM orders")).containsExactly(List.of(42L));
        }
    }

    @Test
    void aJournalThatThisProcessDoesNotHoldOpenIsOpenedAsBefore() throws Exception {
        Path file = dir.resolve("journal.db");
        open(file, KEEP_ALL, false, 0).close(CLOSE_TIMEOUT);

        assertThat(JournalWriter.openInThisProcess(file)).as("closed by now").isFalse();
        assertThat(JournalWriter.openInThisProcess(dir.resolve("missing.db"))).isFalse();
        open(file, KEEP_ALL, false, 0); // reopened
    }

    @Test
    void anEmptyDatabaseThatStoresTextAsUtf16IsRefusedNamingItsEncoding() throws Exception {
        Path file = dir.resolve("journal.db");
        try (Connection connection = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, new Properties());
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA encoding = 'UTF-16le'");
            statement.execute("CREATE TABLE scratch (x)"); // writes the header, with its encoding
            statement.execute("DROP TABLE scratch");
        }

        assertThatThrownBy(() -> open(file, KEEP_ALL, false, 0))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("stores its text as UTF-16le; a kube9 journal is UTF-8");
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT name FROM sqlite_master")).isEmpty();
        }
    }

    @Test
    void aJournalFromANewerAgentIsRefusedAndLeftUntouched() throws Exception {
        Path file = dir.resolve("journal.db");
        open(file, KEEP_ALL, false, 0).close(CLOSE_TIMEOUT);
        try (Connection connection = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, new Properties());
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA user_version = 99");
        }

        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> open(file, KEEP_ALL, false, 0))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("newer kube9 agent")
                .hasMessageContaining("99")
                .hasMessageContaining("left untouched");

        assertThat(Arrays.equals(Files.readAllBytes(file), before)).as("the journal is unchanged").isTrue();

        try (Connection connection = connect(file)) {
            assertThat(JournalSchema.pragma(connection, "user_version")).isEqualTo(99);
        }
    }

    @Test
    void aVersion1JournalIsMigratedKeepingItsRowsAndIds() throws Exception {
        Path file = dir.resolve("journal.db");
        try (Connection connection = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, new Properties());
                Statement statement = connection.createStatement()) {
            // The schema as version 1 agents created it.
            createOldEventsTable(statement);
            statement.execute("CREATE INDEX events_aggregate_id ON events(aggregate_id)");
            for (int i = 1; i <= 4; i++) {
                statement.execute("INSERT INTO events (site, source, event_type, severity, aggregate_id, recorded_at)"
                        + " VALUES ('store', 'com.acme.Store#append', 'old." + i + "', 'info', 'order-" + (i % 2)
                        + "', " + (1_700_000_000_000L + i) + ")");
            }
            statement.execute("DELETE FROM events WHERE id = 4"); // AUTOINCREMENT: 4 is never handed out again
            statement.execute("PRAGMA application_id = " + JournalSchema.APPLICATION_ID);
            statement.execute("PRAGMA user_version = 1");
        }

        JournalWriter writer = open(file, KEEP_ALL, false, 0);
        assertThat(writer.rows()).isEqualTo(3);
        writer.start(THREADS);
        put(event -> {
            fill(event, "new.1", 10);
            event.aggregateId = "order-1";
        });
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        try (Connection connection = connect(file)) {
            assertThat(JournalSchema.pragma(connection, "user_version")).isEqualTo(JournalSchema.VERSION);
            assertThat(query(connection, "SELECT id, event_type FROM events WHERE aggregate_id = 'order-1' ORDER BY id"))
                    .containsExactly(List.of(1L, "old.1"), List.of(3L, "old.3"), List.of(5L, "new.1"));
            assertThat(query(connection, "SELECT count(*) FROM events")).containsExactly(List.of(4L));
            // Plain SQL on aggregate_id still finds its rows through the (bucketed) index.
            assertThat(query(connection, "EXPLAIN QUERY PLAN SELECT * FROM events WHERE aggregate_id = 'order-1'"
                    + " ORDER BY recorded_at DESC, id DESC LIMIT 50").toString()).contains("events_aggregate_id");
            assertThat(query(connection, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
            assertThat(JournalSchema.pragma(connection, "page_size")).as("an existing file keeps its pages")
                    .isEqualTo(4096);
        }
    }

    @Test
    void aVersion2JournalIsMigratedToOneTimeFirstIndexKeepingItsRows() throws Exception {
        Path file = dir.resolve("journal.db");
        try (Connection connection = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, new Properties());
                Statement statement = connection.createStatement()) {
            // The schema as version 2 agents created it (the sqlite_stat1 row aside).
            createOldEventsTable(statement);
            statement.execute("CREATE INDEX events_aggregate_id ON events(id >> 12, aggregate_id)");
            for (int i = 1; i <= 6; i++) {
                statement.execute("INSERT INTO events (site, source, event_type, severity, recorded_at) VALUES"
                        + " ('recorder', 'com.acme.Audit#record', 'type." + (i % 2) + "', 'info', "
                        + (1_700_000_000_000L + i) + ")");
            }
            statement.execute("PRAGMA application_id = " + JournalSchema.APPLICATION_ID);
            statement.execute("PRAGMA user_version = 2");
        }

        JournalWriter writer = open(file, KEEP_ALL, false, 0);
        assertThat(writer.rows()).isEqualTo(6);
        writer.start(THREADS);
        enqueue("type.1", 10);
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        try (Connection connection = connect(file)) {
            assertThat(JournalSchema.pragma(connection, "user_version")).isEqualTo(JournalSchema.VERSION);
            assertThat(query(connection, "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'events_%'"
                    + " ORDER BY name")).containsExactly(List.of("events_aggregate_id"),
                    List.of("events_recorded_at_type"));
            // The CLI's newest-first page of one type, and a time window, go through the new index.
            String page = "SELECT id FROM events WHERE event_type = 'type.1' ORDER BY recorded_at DESC, id DESC LIMIT 2";
            assertThat(query(connection, page)).containsExactly(List.of(7L), List.of(5L));
            assertThat(query(connection, "EXPLAIN QUERY PLAN " + page).toString()).contains("events_recorded_at_type");
            String window = "SELECT event_type, count(*) FROM events WHERE recorded_at >= 1700000000004"
                    + " GROUP BY event_type ORDER BY event_type";
            assertThat(query(connection, window)).containsExactly(List.of("type.0", 2L), List.of("type.1", 2L));
            assertThat(query(connection, "EXPLAIN QUERY PLAN " + window).toString())
                    .contains("COVERING INDEX events_recorded_at_type");
            assertThat(query(connection, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        }
    }

    @Test
    void aVersion3JournalIsMigratedToBucketsOf256RowsKeepingItsRows() throws Exception {
        Path file = dir.resolve("journal.db");
        try (Connection connection = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, new Properties());
                Statement statement = connection.createStatement()) {
            // The schema as version 3 agents created it.
            createOldEventsTable(statement);
            statement.execute("DROP INDEX events_recorded_at");
            statement.execute("DROP INDEX events_type_recorded_at");
            statement.execute("CREATE INDEX events_recorded_at_type ON events(recorded_at, event_type)");
            statement.execute("CREATE INDEX events_aggregate_id ON events(id >> 12, aggregate_id)");
            statement.execute("ANALYZE sqlite_schema");
            statement.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('events', 'events_aggregate_id',"
                    + " '1000000 4096 2')");
            for (int i = 1; i <= 600; i++) {
                statement.execute("INSERT INTO events (site, source, event_type, severity, aggregate_id, recorded_at)"
                        + " VALUES ('store', 'com.acme.Store#append', 'old', 'info', 'order-" + (i % 7) + "', "
                        + (1_700_000_000_000L + i) + ")");
            }
            statement.execute("PRAGMA application_id = " + JournalSchema.APPLICATION_ID);
            statement.execute("PRAGMA user_version = 3");
        }

        JournalWriter writer = open(file, KEEP_ALL, false, 0);
        writer.start(THREADS);
        put(event -> {
            fill(event, "new", 601);
            event.aggregateId = "order-6";
        });
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        try (Connection connection = connect(file)) {
            assertThat(JournalSchema.pragma(connection, "user_version")).isEqualTo(JournalSchema.VERSION);
            assertThat(query(connection, "SELECT sql FROM sqlite_master WHERE name = 'events_aggregate_id'").toString())
                    .contains("id >> 8");
            assertThat(query(connection, "SELECT stat FROM sqlite_stat1 WHERE idx = 'events_aggregate_id'"))
                    .containsExactly(List.of("1000000 256 2"));
            String byAggregate = "SELECT id FROM events WHERE aggregate_id = 'order-6' ORDER BY id DESC LIMIT 3";
            assertThat(query(connection, byAggregate)).containsExactly(List.of(601L), List.of(594L), List.of(587L));
            assertThat(query(connection, "EXPLAIN QUERY PLAN " + byAggregate).toString()).contains("events_aggregate_id");
            assertThat(query(connection, "SELECT count(*) FROM events")).containsExactly(List.of(601L));
            assertThat(query(connection, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedAndLeftUntouched() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.write(file, "just some text, long enough to be taken for a database header".getBytes(
                StandardCharsets.UTF_8));
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> open(file, KEEP_ALL, false, 0)).isInstanceOf(SQLException.class);

        assertThat(Arrays.equals(Files.readAllBytes(file), before)).as("the file is unchanged").isTrue();
    }

    // ---- writing ------------------------------------------------------------------------------

    @Test
    void queuedEventsAreWrittenAndCloseDrainsEverything() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, KEEP_ALL, false, 0);
        for (int i = 0; i < 100; i++) {
            enqueue("before.start." + i, i);
        }
        writer.start(THREADS);
        for (int i = 0; i < 900; i++) {
            enqueue("after.start." + i, 100 + i);
        }

        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        assertThat(queue.size()).isZero();
        assertThat(writer.inserted()).isEqualTo(1000);
        assertThat(writer.rows()).isEqualTo(1000);
        assertThat(writer.deleted()).isZero();
        assertThat(writer.healthy()).isTrue();
        assertThat(warnings).isEmpty();
        assertThat(Scraped.value(metrics, "kube9_journal_batch_duration_seconds")).isPositive();
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT count(*), min(recorded_at), max(recorded_at) FROM events"))
                    .containsExactly(List.of(1000L, 1_700_000_000_000L, 1_700_000_000_999L));
            assertThat(query(connection, "SELECT event_type FROM events ORDER BY id LIMIT 2"))
                    .containsExactly(List.of("before.start.0"), List.of("before.start.1"));
        }
    }

    @Test
    void theCheckpointerCopiesTheLogIntoTheDatabaseWhileTheWriterRunsAndCloseRemovesTheLog() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, KEEP_ALL, false, 0);
        writer.start(THREADS);
        long emptySize = file.toFile().length();
        for (int i = 0; i < 1000; i++) {
            enqueue("event." + i, i);
        }

        await(() -> writer.inserted() == 1000, "1000 rows written");
        // The writer only appends to the log; the pages reach the database file by the checkpointer.
        await(() -> file.toFile().length() > emptySize, "the database file to grow while the writer is open");
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT count(*) FROM events")).containsExactly(List.of(1000L));
        }
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        assertThat(dir.resolve("journal.db-wal")).doesNotExist();
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
            assertThat(query(connection, "SELECT count(*) FROM events")).containsExactly(List.of(1000L));
        }
    }

    @Test
    void everyEventQueuedBeforeCloseIsWrittenEvenWhenCloseFollowsAtOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path file = dir.resolve("journal-" + round + ".db");
            EventQueue roundQueue = new EventQueue(16);
            JournalWriter writer = JournalWriter.open(file.toString(), roundQueue, metrics, warnings::add, KEEP_ALL,
                    false, 0, 100, FLUSH);
            writer.start(THREADS);
            Slots.put(roundQueue.lane(0), roundQueue.lane(0).claim(), event("last.words", 1));

            assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
            assertThat(writer.inserted()).as("round %d", round).isEqualTo(1);
        }
    }

    @Test
    void anExitThatWaitedForTheJournalsUpkeepToTheEndSaysWhy() throws Exception {
        // Every event written, the queue empty, and the upkeep (prune, log copied in) not yet done
        // when the time runs out: a slow exit on a busy machine, which once took all of its 10 s unsaid.
        JournalWriter writer = open(dir.resolve("journal.db"), KEEP_ALL, false, 0);
        writer.start(THREADS);
        enqueue("written", 1);
        // the queue lets go of a batch just after its rows are counted: 1 of 3 runs looked in between
        await(() -> writer.inserted() == 1 && queue.size() == 0, "written");

        assertThat(writer.drainAtExit(Duration.ofNanos(1))).as("nothing left unwritten").isTrue();

        assertThat(warnings).singleElement().asString().contains("holds every event, but its upkeep at exit",
                "did not finish within 0 ms (kube9.journal.shutdown-timeout)");
    }

    @Test
    void atExitTheQueueIsWrittenAndWhatTheServiceRecordsAfterIsWrittenToo() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = JournalWriter.open(file.toString(), queue, metrics, warnings::add, KEEP_ALL, false, 0,
                100, Duration.ofSeconds(60)); // a flush interval no test waits for: exit must not wait for it
        writer.start(THREADS);
        for (int i = 0; i < 50; i++) {
            enqueue("before.exit." + i, i);
        }

        assertThat(writer.drainAtExit(CLOSE_TIMEOUT)).isTrue();
        assertThat(writer.inserted()).isEqualTo(50);
        // A request in flight finishing while the service's own shutdown hooks run:
        enqueue("in.flight", 50);
        await(() -> writer.inserted() == 51, "the event recorded after the drain to be written");

        assertThat(warnings).isEmpty();
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT count(*), max(event_type) FROM events"))
                    .containsExactly(List.of(51L, "in.flight"));
        }
    }

    @Test
    void columnsHoldWhatWasCaptured() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, KEEP_ALL, false, 0);
        UUID id = UUID.fromString("9b2c3f7e-1d4a-4f51-8a2b-0c6d5e4f3a21");
        put(event -> {
            fill(event, "order.created", 1);
            event.site = "store";
            event.source = "com.acme.OrderEventStore#append";
            event.severity = "warning";
            event.eventId = id;
            event.aggregateId = 42L;
            event.occurredAt = 1_699_999_999_000L;
            event.payloadBytes = 3;
            event.payload = new byte[] {1, 2, 3};
            event.thread = "http-nio-8080-exec-1";
        });
        put(event -> {
            fill(event, "x".repeat(600), 2);
            event.eventId = new Object() {
                @Override
                public String toString() {
                    throw new IllegalStateException("broken toString");
                }
            };
            event.occurredAt = CapturedEvent.NO_TIME;
            event.payloadBytes = -1;
        });
        writer.start(THREADS);
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        try (Connection connection = connect(file)) {
            List<List<Object>> rows = query(connection, "SELECT site, source, event_type, severity, event_id,"
                    + " aggregate_id, occurred_at, recorded_at, payload_bytes, payload, thread FROM events ORDER BY id");
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0)).containsExactly("store", "com.acme.OrderEventStore#append", "order.created",
                    "warning", id.toString(), "42", 1_699_999_999_000L, 1_700_000_000_001L, 3L, null,
                    "http-nio-8080-exec-1");
            assertThat(rows.get(1)).containsExactly("recorder", "com.acme.AuditEventRecorder#record", "x".repeat(512),
                    "info", null, null, null, 1_700_000_000_002L, null, null, "main");
        }
    }

    @Test
    void aThreadNamedForItsRequestIsJournaledWithoutTheRequestsQuery() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, KEEP_ALL, false, 0);
        put(event -> {
            fill(event, "jetty", 1);
            event.thread = "dw-44 - POST /orders/o-223/events?type=OrderPlaced&token=s3cret";
        });
        put(event -> {
            fill(event, "question", 2);
            event.thread = "who? worker-1"; // no path before it: a name of its own
        });
        writer.start(THREADS);
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT thread FROM events ORDER BY id")).containsExactly(
                    List.of("dw-44 - POST /orders/o-223/events"), List.of("who? worker-1"));
        }
    }

    @Test
    void anIdOrPayloadThatThrowsAnErrorIsLeftOutAndTheWriterWritesOn() throws Exception {
        // A generated toString() of objects that refer to each other overflows the stack: that
        // Error once ended the writer, and every event after it was lost uncounted.
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, KEEP_ALL, true, 16);
        Object cyclic = new Object() {
            @Override
            public String toString() {
                return "cyclic(" + this + ")";
            }
        };
        CharSequence failing = textWhoseToStringThrows(() -> {
            throw new AssertionError("the application's own assertion");
        });
        put(event -> {
            fill(event, "before", 1);
            event.eventId = "e-1";
        });
        put(event -> {
            fill(event, "cyclic", 2);
            event.eventId = "e-2";
            event.aggregateId = cyclic;
            event.payload = failing;
        });
        put(event -> {
            fill(event, "after", 3);
            event.eventId = "e-3";
        });
        writer.start(THREADS);
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT event_type, event_id, aggregate_id, payload FROM events ORDER BY id"))
                    .containsExactly(Arrays.asList("before", "e-1", null, null), Arrays.asList("cyclic", "e-2", null, null),
                            Arrays.asList("after", "e-3", null, null));
        }
        assertThat(Scraped.value(metrics, "kube9_accessor_errors_total")).isEqualTo(2.0);
        assertThat(writer.inserted()).isEqualTo(3);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aDamagedJournalIsLeftAtTheFirstSignWithOneLineAndANewOneTakenWhenTheFileIsEmptied()
            throws Exception {
        // Retried as if it were a full disk, a damaged file failed every batch for as long as
        // the service ran, and held up every exit for the whole shutdown timeout.
        Path file = dir.resolve("journal.db");
        JournalWriter first = open(file, KEEP_ALL, false, 0);
        for (int i = 0; i < 400; i++) {
            enqueue("order.created", i);
        }
        first.start(THREADS);
        assertThat(first.close(CLOSE_TIMEOUT)).isTrue();
        assertThat(Files.size(file)).as("pages past the one damaged below").isGreaterThan(65_536);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer garbage = ByteBuffer.allocate(16_384);
            while (garbage.hasRemaining()) {
                garbage.putInt(0xdeadbeef);
            }
            channel.write(garbage.flip(), 49_152); // the fourth page of 16 KiB, a page of the table's tree
        }

        // 400 rows, a limit of 100: 300 due, and never to be deleted from a damaged file
        JournalWriter writer = open(file, new JournalWriter.Retention(Duration.ZERO, 100), false, 0);
        for (int i = 0; i < 10; i++) {
            enqueue("order.paid", i);
        }
        writer.start(THREADS);
        await(() -> queue.dropped() == 10, "the batch dropped");
        Thread.sleep(1500); // the idle writer's retention comes once a second
        assertThat(writer.inserted()).isZero();
        assertThat(writer.deleted()).as("nothing pruned from the damaged file").isZero();
        assertThat(writer.healthy()).isFalse();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).startsWith("journal " + file.toAbsolutePath() + " is damaged (")
                .contains("SQLITE_CORRUPT").endsWith("move the file aside, and the agent starts a new journal at"
                        + " that path");

        // emptied in place (: > journal.db): the same file, which the writer starts over
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        for (int i = 0; i < 10; i++) {
            enqueue("order.shipped", i);
        }
        await(() -> writer.inserted() == 10, "the new journal written");
        long start = System.nanoTime();
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT event_type, count(*) FROM events GROUP BY event_type"))
                    .containsExactly(List.of("order.shipped", 10L));
        }
        assertThat(queue.dropped()).isEqualTo(10);
    }

    @Test
    void anotherWriterOfTheSameJournalIsSaidAndTheRowLimitHoldsForTheFile() throws Exception {
        // Two JVMs given one path (replicas sharing a volume): each wrote its rows and pruned to
        // its own count, the file held twice the limit, and nothing said so.
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, new JournalWriter.Retention(Duration.ZERO, 10), false, 0);
        writer.start(THREADS);
        enqueue("order.created", 1);
        enqueue("order.paid", 2);
        await(() -> writer.inserted() == 2, "the first two rows written");
        String otherRow = "INSERT INTO events (site, source, event_type, severity, recorded_at)"
                + " VALUES ('store', 'Other#append', 'other.jvm', 'info', 1700000000000)";
        byAnotherProgram(file, java.util.Collections.nCopies(12, otherRow).toArray(new String[0]));

        enqueue("order.shipped", 3);
        await(() -> writer.inserted() == 3, "the third row written");

        assertThat(warnings).containsExactly("journal " + file.toAbsolutePath() + " is written by another program"
                + " too (rows 3 to 14 came between two of this agent's batches): give each JVM a journal of its"
                + " own (kube9.journal.path); the agent goes on writing it");
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT count(*) FROM events")).as("the limit, for the file")
                    .containsExactly(List.of(10L));
        }
    }

    @Test
    void aViewOrAnAnalyzeOfSomeoneReadingTheJournalIsLetBe() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = startedWithTwoRows(file);
        byAnotherProgram(file, "CREATE VIEW paid AS SELECT * FROM events WHERE event_type = 'order.paid'",
                "ANALYZE"); // makes sqlite_stat1

        enqueue("order.shipped", 3);
        await(() -> writer.inserted() == 3, "the third row written");

        assertThat(writer.healthy()).isTrue();
        assertThat(warnings).isEmpty();
    }

    @Test
    void aJournalInWhichAnotherProgramMakesItsTablesIsLetGoOf() throws Exception {
        // The service's own database named as the journal, opened by the service only after the
        // agent made it: the two wrote one file, and the service lost rows.
        Path file = dir.resolve("orders.db");
        JournalWriter writer = startedWithTwoRows(file);
        byAnotherProgram(file, "CREATE TABLE orders (id TEXT PRIMARY KEY, status TEXT)",
                "INSERT INTO orders VALUES ('order-1', 'placed')");

        enqueue("order.shipped", 3);
        await(() -> !warnings.isEmpty(), "the warning");

        assertThat(warnings.get(0)).startsWith("journal " + file.toAbsolutePath() + " was changed by another"
                + " program: it now holds tables that are not the agent's (orders; ")
                .endsWith("give kube9.journal.path a file of its own");
        assertThat(writer.healthy()).isFalse();
        await(() -> warnings.size() == 2, "the path tried again a second later");
        assertThat(warnings.get(1)).contains("holds tables that are not the agent's (orders): another program"
                + " writes it too (the service's own database?); it is left untouched");
        assertThat(writer.inserted()).isEqualTo(2);
        assertThat(queue.size()).as("the event waits in the queue").isEqualTo(1);
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT id, status FROM orders")).containsExactly(List.of("order-1", "placed"));
            assertThat(query(connection, "SELECT count(*) FROM events")).containsExactly(List.of(2L));
        }
    }

    @Test
    void repeatedTextsAreStoredAsTextWhateverTheirCharactersLengthOrNumber() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, KEEP_ALL, true, 16);
        List<String> types = new ArrayList<>(List.of("Bestellung angelegt: Größe ü, 注文 🚀", "t".repeat(128),
                "u".repeat(129), "nul\0inside", ""));
        for (int i = 0; i < 600; i++) { // more than the table of encoded texts has slots
            types.add("type-" + i);
        }
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i);
            int n = i;
            put(event -> {
                fill(event, type, n);
                event.thread = n % 2 == 0 ? "worker-ß-" + n % 7 : new String("main"); // equal, not the same
                event.payload = "p";
                event.eventId = eventId(n);
                event.aggregateId = n % 3 == 0 ? null : new StringBuilder("order-").append(n);
            });
        }
        writer.start(THREADS);
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        try (Connection connection = connect(file)) {
            List<List<Object>> rows = query(connection, "SELECT typeof(site) || typeof(source) || typeof(event_type)"
                    + " || typeof(severity) || typeof(thread) || typeof(event_id) || typeof(aggregate_id), event_type,"
                    + " thread, site, source, severity, event_id, aggregate_id FROM events ORDER BY id");
            assertThat(rows).hasSize(types.size());
            for (int i = 0; i < rows.size(); i++) {
                String eventId = eventId(i);
                assertThat(rows.get(i)).as("row %d", i).containsExactly(
                        "texttexttexttexttexttext" + (i % 3 == 0 ? "null" : "text"), types.get(i),
                        i % 2 == 0 ? "worker-ß-" + i % 7 : "main", "recorder", "com.acme.AuditEventRecorder#record",
                        "info", eventId.substring(0, Math.min(eventId.length(), 512)), i % 3 == 0 ? null : "order-" + i);
            }
            try (java.sql.PreparedStatement select = connection.prepareStatement(
                    "SELECT count(*) FROM events WHERE event_type = ? AND thread = ?")) {
                select.setString(1, types.get(0));
                select.setString(2, "worker-ß-0");
                try (ResultSet count = select.executeQuery()) {
                    assertThat(count.next()).isTrue();
                    assertThat(count.getInt(1)).as("found by an equal text").isEqualTo(1);
                }
            }
        }
    }

    /** Ids of every kind of text: long (cut at 512), not ASCII, empty. */
    private static String eventId(int n) {
        switch (n % 5) {
            case 0:
                return "é".repeat(500 + n);
            case 1:
                return "ид-" + n + "-🚀";
            case 2:
                return "";
            default:
                return "evt-" + n;
        }
    }

    @Test
    void theApplicationsIdsAreLetGoOfOnceDrainedWhileTheBatchStillWaitsForItsCommit() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = JournalWriter.open(file.toString(), queue, metrics, warnings::add, KEEP_ALL, true, 16,
                100, Duration.ofSeconds(60));
        opened.add(writer);
        List<java.lang.ref.WeakReference<Object>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Object eventId = new StringBuilder("evt-").append(i);
            Object aggregateId = new StringBuilder("order-").append(i);
            Object payload = new StringBuilder("payload-").append(i);
            held.add(new java.lang.ref.WeakReference<>(eventId));
            held.add(new java.lang.ref.WeakReference<>(aggregateId));
            held.add(new java.lang.ref.WeakReference<>(payload));
            int n = i;
            put(event -> {
                fill(event, "order.created", n);
                event.eventId = eventId;
                event.aggregateId = aggregateId;
                event.payload = payload;
            });
        }
        writer.start(THREADS);
        await(() -> queue.lane(0).size() == 0, "the writer takes the events from the queue");
        await(() -> {
            System.gc();
            return held.stream().allMatch(reference -> reference.get() == null);
        }, "the application's objects are collected");
        assertThat(writer.inserted()).as("the batch still waits for its flush interval").isZero();

        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT event_id, aggregate_id, typeof(payload), CAST(payload AS TEXT)"
                    + " FROM events ORDER BY id")).containsExactly(
                            List.of("evt-0", "order-0", "blob", "payload-0"),
                            List.of("evt-1", "order-1", "blob", "payload-1"),
                            List.of("evt-2", "order-2", "blob", "payload-2"));
        }
    }

    @Test
    void payloadsAreStoredOnlyWhenEnabledAndCappedToTheLimit() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, KEEP_ALL, true, 4);
        byte[] bytes = {10, 20, 30, 40, 50, 60};
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7});
        buffer.position(2);
        CharSequence failing = textWhoseToStringThrows(() -> {
            throw new IllegalStateException("modified while read");
        });
        Object[] payloads = {bytes, new byte[] {7, 8}, "héllo", "ab", buffer, failing, 12345, null};
        for (int i = 0; i < payloads.length; i++) {
            Object payload = payloads[i];
            int index = i;
            put(event -> {
                fill(event, "payload." + index, index);
                event.payload = payload;
            });
        }
        writer.start(THREADS);
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        try (Connection connection = connect(file)) {
            List<List<Object>> rows = query(connection, "SELECT payload FROM events ORDER BY id");
            assertThat(rows).extracting(row -> row.get(0)).containsExactly(
                    new byte[] {10, 20, 30, 40},
                    new byte[] {7, 8},
                    Arrays.copyOf("héllo".getBytes(StandardCharsets.UTF_8), 4),
                    "ab".getBytes(StandardCharsets.UTF_8),
                    new byte[] {3, 4, 5, 6},
                    null,
                    null,
                    null);
        }
        assertThat(bytes).as("the application's array is not changed").containsExactly(10, 20, 30, 40, 50, 60);
        assertThat(buffer.position()).as("the application's buffer is not consumed").isEqualTo(2);
    }

    @Test
    void payloadsAreNotStoredWhenCaptureIsOff() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, KEEP_ALL, false, 4096);
        put(event -> {
            fill(event, "with.payload", 1);
            event.payload = new byte[] {1, 2, 3};
            event.payloadBytes = 3;
        });
        writer.start(THREADS);
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT payload, payload_bytes FROM events"))
                    .containsExactly(Arrays.asList(null, 3L));
        }
    }

    @Test
    void reopeningAJournalKeepsItsRowsAndCountsThem() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter first = open(file, KEEP_ALL, false, 0);
        for (int i = 0; i < 7; i++) {
            enqueue("first." + i, i);
        }
        first.start(THREADS);
        assertThat(first.close(CLOSE_TIMEOUT)).isTrue();

        JournalWriter second = open(file, KEEP_ALL, false, 0);
        enqueue("second", 7);
        second.start(THREADS);
        assertThat(second.close(CLOSE_TIMEOUT)).isTrue();

        assertThat(second.rows()).isEqualTo(8);
        assertThat(second.inserted()).isEqualTo(1);
        assertThat(second.sizeOnDisk()).isPositive();
    }

    @Test
    void aPartFilledBatchWaitsForTheFlushIntervalAndCloseWritesItAtOnce() throws Exception {
        JournalWriter writer = JournalWriter.open(dir.resolve("journal.db").toString(), queue, metrics,
                warnings::add, KEEP_ALL, false, 0, 100, Duration.ofSeconds(60));
        opened.add(writer);
        writer.start(THREADS);
        enqueue("event.0", 0);

        Thread.sleep(1000);
        assertThat(writer.inserted()).as("waiting for a fuller batch").isZero();
        assertThat(queue.size()).as("counted as waiting").isEqualTo(1);
        long start = System.nanoTime();
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(writer.inserted()).isEqualTo(1);
    }

    @Test
    void aFlushIntervalOfZeroWritesWhatArrivedAtOnce() throws Exception {
        JournalWriter writer = JournalWriter.open(dir.resolve("journal.db").toString(), queue, metrics,
                warnings::add, KEEP_ALL, false, 0, 100, Duration.ZERO);
        opened.add(writer);
        writer.start(THREADS);
        enqueue("event.0", 0);

        await(() -> writer.inserted() == 1, "the one row written");
        enqueue("event.1", 1);
        await(() -> writer.inserted() == 2, "the next row written");
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
    }

    @Test
    void closeWithoutStartClosesTheFile() throws Exception {
        JournalWriter writer = JournalWriter.open(dir.resolve("journal.db").toString(), queue, metrics, warnings::add,
                KEEP_ALL, false, 0, 10, FLUSH);

        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
    }

    // ---- retention ----------------------------------------------------------------------------

    @Test
    void retentionByRowsDeletesTheOldestAndCountsTheDeletes() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, new JournalWriter.Retention(Duration.ZERO, 5), false, 0);
        writer.start(THREADS);
        for (int i = 0; i < 20; i++) {
            enqueue("event." + i, i);
        }

        await(() -> writer.deleted() == 15 && writer.rows() == 5, "15 rows pruned");
        assertThat(writer.inserted()).isEqualTo(20);
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT event_type FROM events ORDER BY id")).containsExactly(
                    List.of("event.15"), List.of("event.16"), List.of("event.17"), List.of("event.18"),
                    List.of("event.19"));
        }
        assertThat(writer.inserted() - writer.deleted()).as("rows = inserts - deletes").isEqualTo(5);
    }

    @Test
    void retentionByRowsHoldsWhileTheWriterIsBehind() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, new JournalWriter.Retention(Duration.ZERO, 50), false, 0);
        for (int i = 0; i < 1000; i++) {
            enqueue("event." + i, i); // ten full batches: the queue is never empty until the last
        }
        writer.start(THREADS);

        await(() -> writer.inserted() == 1000, "1000 rows written");
        assertThat(writer.rows()).as("pruned with each batch, not once idle").isEqualTo(50);
        assertThat(writer.deleted()).isEqualTo(950);
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
    }

    @Test
    void rowLimitMayBeOverrunByATenthWhileTheWriterIsBehindAndIsKeptOnceItCatchesUp() throws Exception {
        Path file = dir.resolve("journal.db");
        EventQueue deep = new EventQueue(4096);
        JournalWriter writer = JournalWriter.open(file.toString(), deep, metrics, warnings::add,
                new JournalWriter.Retention(Duration.ZERO, 1000), false, 0, 100, FLUSH);
        opened.add(writer);
        for (int i = 0; i < 3000; i++) {
            Slots.put(deep.lane(0), deep.lane(0).claim(), event("event." + i, i));
        }
        writer.start(THREADS);

        long peak = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (writer.inserted() < 3000 && System.nanoTime() < deadline) {
            peak = Math.max(peak, writer.rows());
            Thread.onSpinWait();
        }
        await(() -> writer.rows() == 1000, "back to the limit");
        assertThat(peak).as("deletes waited while batches were queued").isGreaterThan(1000).isLessThanOrEqualTo(1100);
        assertThat(writer.deleted()).isEqualTo(2000);
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT min(id), max(id), count(*) FROM events"))
                    .as("the oldest went").containsExactly(List.of(2001L, 3000L, 1000L));
        }
    }

    @Test
    void rowsOfTwoLanesAreWrittenInTheOrderTheyWereRecordedEachLanesOwnOrderKept() throws Exception {
        Path file = dir.resolve("journal.db");
        EventQueue laned = EventQueue.laned(64, 2);
        JournalWriter writer = JournalWriter.open(file.toString(), laned, metrics, warnings::add, KEEP_ALL, false, 0,
                100, FLUSH);
        opened.add(writer);
        // Thread 0 records at 1, 3, 5, then an event that carries a time of its own ahead of the
        // clock (9), then 6; thread 1 at 2, 4, 7. A drain takes one lane, then the other.
        long[][] times = {{1, 3, 5, 9, 6}, {2, 4, 7}};
        for (int thread = 0; thread < 2; thread++) {
            for (long time : times[thread]) {
                Lane lane = laned.lane(thread);
                Slots.put(lane, lane.claim(), event("thread-" + thread + "." + time, (int) time));
            }
        }
        writer.start(THREADS);

        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();
        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT event_type FROM events ORDER BY id")).containsExactly(
                    List.of("thread-0.1"), List.of("thread-1.2"), List.of("thread-0.3"), List.of("thread-1.4"),
                    List.of("thread-0.5"), List.of("thread-1.7"), List.of("thread-0.9"), List.of("thread-0.6"));
        }
    }

    @Test
    void selectsCountTheQueriesTheWriterRunsOnTheJournal() throws Exception {
        // Without a size limit: the row count at open, and nothing more however many batches follow.
        JournalWriter plain = open(dir.resolve("plain.db"), new JournalWriter.Retention(Duration.ZERO, 100), false, 0);
        metrics.databaseOperations(plain::inserted, plain::selects, plain::deleted);
        for (int i = 0; i < 300; i++) {
            enqueue("event." + i, i);
        }
        plain.start(THREADS);
        assertThat(plain.close(CLOSE_TIMEOUT)).isTrue();
        assertThat(Scraped.count(metrics, "kube9_database_operations_total", "operation", "insert")).isEqualTo(300);
        assertThat(Scraped.count(metrics, "kube9_database_operations_total", "operation", "delete")).isEqualTo(200);
        assertThat(Scraped.count(metrics, "kube9_database_operations_total", "operation", "select")).isEqualTo(1);

        // With a size limit: its check after every batch as well.
        AgentMetrics sizedMetrics = new AgentMetrics(200);
        JournalWriter sized = JournalWriter.open(dir.resolve("sized.db").toString(), queue, sizedMetrics, warnings::add,
                new JournalWriter.Retention(Duration.ZERO, 0, 1L << 30), false, 0, 100, FLUSH);
        sizedMetrics.databaseOperations(sized::inserted, sized::selects, sized::deleted);
        for (int i = 0; i < 300; i++) {
            enqueue("event." + i, i);
        }
        sized.start(THREADS);
        assertThat(sized.close(CLOSE_TIMEOUT)).isTrue();
        double batches = Scraped.value(sizedMetrics, "kube9_journal_batch_duration_seconds");
        assertThat(batches).isGreaterThanOrEqualTo(3);
        assertThat(Scraped.count(sizedMetrics, "kube9_database_operations_total", "operation", "select"))
                .isGreaterThanOrEqualTo(1 + batches);
    }

    @Test
    void sizeLimitHoldsAfterCloseForBatchesWrittenWhileClosing() throws Exception {
        Path file = dir.resolve("journal.db");
        long limit = 256 * 1024;
        JournalWriter writer = open(file, new JournalWriter.Retention(Duration.ZERO, 0, limit), false, 0);
        String wide = "order-".repeat(80); // ~1 KB a row with its index entry: ~1 MB for the lot
        for (int i = 0; i < 1000; i++) {
            int index = i;
            put(event -> {
                fill(event, "event." + index, index);
                event.aggregateId = wide + index;
            });
        }
        writer.start(THREADS);

        assertThat(writer.close(CLOSE_TIMEOUT)).as("drained").isTrue(); // ten batches within the same second
        assertThat(writer.inserted()).isEqualTo(1000);
        try (Connection connection = connect(file)) {
            long inUse = (JournalSchema.pragma(connection, "page_count") - JournalSchema.pragma(connection,
                    "freelist_count")) * (long) JournalSchema.pragma(connection, "page_size");
            assertThat(inUse).isLessThanOrEqualTo(limit);
            assertThat(query(connection, "SELECT max(id), count(*) > 0 FROM events"))
                    .as("the newest are kept").containsExactly(List.of(1000L, 1L));
        }
        assertThat(writer.deleted()).isPositive();
    }

    @Test
    void retentionByAgeDeletesRowsRecordedTooLongAgo() throws Exception {
        Path file = dir.resolve("journal.db");
        JournalWriter writer = open(file, new JournalWriter.Retention(Duration.ofHours(1), 0), false, 0);
        long now = System.currentTimeMillis();
        for (int i = 0; i < 10; i++) {
            int index = i;
            put(event -> {
                fill(event, "old." + index, 0);
                event.recordedAt = now - Duration.ofHours(2).toMillis() + index;
            });
        }
        for (int i = 0; i < 3; i++) {
            int index = i;
            put(event -> {
                fill(event, "new." + index, 0);
                event.recordedAt = now + index;
            });
        }
        writer.start(THREADS);

        await(() -> writer.deleted() == 10, "10 old rows pruned");
        assertThat(writer.close(CLOSE_TIMEOUT)).isTrue();

        try (Connection connection = connect(file)) {
            assertThat(query(connection, "SELECT event_type FROM events ORDER BY id"))
                    .containsExactly(List.of("new.0"), List.of("new.1"), List.of("new.2"));
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private JournalWriter open(Path file, JournalWriter.Retention retention, boolean storePayload, int payloadLimit)
            throws SQLException, IOException {
        JournalWriter writer = JournalWriter.open(file.toString(), queue, metrics, warnings::add, retention,
                storePayload, payloadLimit, 100, FLUSH);
        opened.add(writer);
        return writer;
    }

    private interface Filler {
        void fill(CapturedEvent event);
    }

    private void put(Filler filler) {
        long position = queue.lane(0).claim();
        assertThat(position).as("queue has room").isNotNegative();
        CapturedEvent event = event("", 0);
        filler.fill(event);
        Slots.put(queue.lane(0), position, event);
    }

    private void enqueue(String eventType, int n) {
        put(event -> fill(event, eventType, n));
    }

    private static CapturedEvent event(String eventType, int n) {
        CapturedEvent event = new CapturedEvent();
        fill(event, eventType, n);
        return event;
    }

    private static void fill(CapturedEvent event, String eventType, int n) {
        event.site = "recorder";
        event.source = "com.acme.AuditEventRecorder#record";
        event.eventType = eventType;
        event.severity = "info";
        event.eventId = null;
        event.aggregateId = null;
        event.occurredAt = CapturedEvent.NO_TIME;
        event.recordedAt = 1_700_000_000_000L + n;
        event.payloadBytes = -1;
        event.payload = null;
        event.thread = "main";
    }

    /** The application's text that fails as it is read: {@code toString()} runs {@code thrower}. */
    private static CharSequence textWhoseToStringThrows(Runnable thrower) {
        return new CharSequence() {
            @Override
            public int length() {
                return 1;
            }

            @Override
            public char charAt(int index) {
                return 'x';
            }

            @Override
            public CharSequence subSequence(int start, int end) {
                return this;
            }

            @Override
            public String toString() {
                thrower.run();
                return "never";
            }
        };
    }

    /** Runs {@code statements} on {@code file} through a connection of its own, as another program would. */
    private static void byAnotherProgram(Path file, String... statements) throws SQLException {
        try (Connection other = Sqlite.openForWriting(file.toString()); Statement statement = other.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Polls {@code condition} for up to ten seconds. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s for: " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** A writer started on {@code file} in a directory of its own, which is removed once a row is written. */
    private JournalWriter writtenOnceThenWithoutItsDirectory(Path file) throws Exception {
        Path sub = Files.createDirectory(file.getParent());
        JournalWriter writer = open(file, KEEP_ALL, false, 0);
        writer.start(THREADS);
        enqueue("order.created", 1);
        await(() -> writer.inserted() == 1, "the first row written");
        try (java.util.stream.Stream<Path> files = Files.list(sub)) {
            for (Path each : files.toArray(Path[]::new)) {
                Files.delete(each);
            }
        }
        Files.delete(sub);
        return writer;
    }

    /** A writer started on {@code file}, once it has written two rows (created, paid). */
    private JournalWriter startedWithTwoRows(Path file) throws Exception {
        JournalWriter writer = open(file, KEEP_ALL, false, 0);
        writer.start(THREADS);
        enqueue("order.created", 1);
        enqueue("order.paid", 2);
        await(() -> writer.inserted() == 2, "the first two rows written");
        return writer;
    }

    /** This JVM's open files that have been deleted ({@code /proc/self/fd}); empty where there is no such directory. */
    private static List<String> openDescriptorsOfDeletedFiles() throws IOException {
        List<String> deleted = new ArrayList<>();
        Path descriptors = Paths.get("/proc/self/fd");
        if (!Files.isDirectory(descriptors)) {
            return deleted;
        }
        try (java.util.stream.Stream<Path> entries = Files.list(descriptors)) {
            for (Path descriptor : entries.toArray(Path[]::new)) {
                try {
                    String target = Files.readSymbolicLink(descriptor).toString();
                    if (target.endsWith(" (deleted)")) {
                        deleted.add(target);
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return deleted;
    }

    private static Connection connect(Path file) throws SQLException {
        return Sqlite.openReadOnly(file.toString());
    }

    private static List<List<Object>> query(Connection connection, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object value = result.getObject(i);
                    row.add(value instanceof Integer ? Long.valueOf((Integer) value) : value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** The table and the two time indexes as version 1 and 2 agents created them. */
    private static void createOldEventsTable(Statement statement) throws SQLException {
        statement.execute("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, site TEXT NOT NULL,"
                + " source TEXT NOT NULL, event_type TEXT NOT NULL, severity TEXT NOT NULL, event_id TEXT,"
                + " aggregate_id TEXT, occurred_at INTEGER, recorded_at INTEGER NOT NULL, payload_bytes INTEGER,"
                + " payload BLOB, thread TEXT)");
        statement.execute("CREATE INDEX events_recorded_at ON events(recorded_at)");
        statement.execute("CREATE INDEX events_type_recorded_at ON events(event_type, recorded_at)");
    }
}
