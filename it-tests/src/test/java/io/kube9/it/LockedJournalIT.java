package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kube9.it.apps.BurstApp;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A journal that another process holds locked while the agent starts (a backup, an operator's
 * {@code sqlite3} session), or that cannot be written then (a full disk), is waited for: capture goes on into the queue and the journal opens
 * once the lock is released. Here the other process is this test's JVM, with a connection of its
 * own that holds SQLite's exclusive lock.
 */
class LockedJournalIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "locked-journal");
    private static final String LOCKED = "is locked by another process; capture continues into the queue";
    private static final String CANNOT_WRITE = "; capture continues into the queue and the journal is opened once it"
            + " can be written (retried in the background)";
    private static final int EVENTS = 2000;

    @Test
    void eventsRecordedWhileTheJournalIsLockedReachItOnceTheLockIsReleased() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("released"));
        Path journal = dir.resolve("journal.db");
        int port = JvmProcess.freePort();
        Connection lock = lockExclusively(journal);
        try (JvmProcess app = JvmProcess.app(dir, "exporter.port=" + port + ",journal.path=" + journal,
                BurstApp.class, String.valueOf(EVENTS))) {
            try {
                Awaitility.await("the burst recorded").atMost(Duration.ofSeconds(60))
                        .until(() -> app.stdout().contains("DONE"));
                Awaitility.await("the lock reported").atMost(Duration.ofSeconds(30))
                        .until(() -> app.stderr().contains(LOCKED));
                assertThat(app.stderr()).contains("journal " + journal + " " + LOCKED)
                        .doesNotContain("journal disabled");
                // Held past several retries (1 s, then 2 s, 4 s), each waiting a second for the lock itself.
                Thread.sleep(5000);
                Scrape waiting = Scrape.of(port);
                assertThat(waiting.value("kube9_journal_up")).isZero();
                assertThat(waiting.value("kube9_events_queue_size")).as("held in the queue").isEqualTo(EVENTS);
                assertThat(waiting.value("kube9_database_operations_total{operation=\"insert\"}")).isZero();
            } finally {
                lock.close(); // rolls the open transaction back and releases the lock
            }
            assertEveryEventWrittenOnceOpened(port);
            assertThat(app.stderr().split(LOCKED, -1)).as("said once").hasSize(2);
            assertThat(app.stderr()).contains("[kube9-agent] journal " + journal);
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(Journal.single(journal, "SELECT count(*) FROM events")).isEqualTo(String.valueOf(EVENTS));
    }

    @ParameterizedTest(name = "journal there already: {0}, SQLite's library given: {1}")
    @CsvSource({"false, true", "false, false", "true, true"})
    void aJournalThatCannotBeWrittenAtStartIsOpenedOnceItCan(boolean existing, boolean libraryGiven) throws Exception {
        // A disk full when the service starts: the journal was disabled for the JVM's life, and
        // every event after was lost uncounted (neither inserted nor dropped). Here the service's
        // files may not grow past 8 KB (RLIMIT_FSIZE), until the limit is lifted: the journal's
        // first page cannot be written (SQLITE_IOERR_WRITE; SQLITE_FULL on a full disk), and,
        // unless the library is given already unpacked, neither can the agent's copy of SQLite's
        // library (sqlite-jdbc's first connection would keep that failure for the JVM's life).
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        Path dir = JvmProcess.freshDir(WORK.resolve("cannot-write-" + existing + "-" + libraryGiven));
        Path journal = dir.resolve("journal.db");
        int before = 0;
        if (existing) { // a restart: SQLite grows the journal's -shm file as it opens it (SQLITE_IOERR_SHMSIZE)
            before = 10;
            try (JvmProcess first = JvmProcess.app(dir.resolve("first"), "exporter.port=0,journal.path=" + journal,
                    BurstApp.class, String.valueOf(before))) {
                Awaitility.await("the first run's events").atMost(Duration.ofSeconds(60))
                        .until(() -> first.stdout().contains("DONE"));
                first.closeStdin();
                assertThat(first.awaitExit(Duration.ofSeconds(30))).isZero();
            }
        }
        Path library = Files.createDirectories(dir.resolve("lib")).resolve("libsqlitejdbc.so");
        try (JarFile agent = new JarFile(JvmProcess.AGENT_JAR.toFile());
                InputStream in = agent.getInputStream(agent.getEntry(
                        "kube9-inst/org/sqlite/native/Linux/" + arch + "/libsqlitejdbc.so"))) {
            Files.copy(in, library);
        }
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        String libraryOption = libraryGiven ? "-Dorg.sqlite.lib.path=" + library.getParent() : "-Djava.io.tmpdir=" + tmp;
        String said = libraryGiven ? "journal " + journal + " cannot be opened: [SQLITE_IOERR_"
                : "SQLite's native library could not be loaded: the agent unpacks it into the temporary directory "
                        + tmp + ", which takes files, yet the library's copy could not be written there: File too large";
        int port = JvmProcess.freePort();
        try (JvmProcess app = JvmProcess.startUnder(List.of("prlimit", "--fsize=8192:unlimited"), dir, List.of(
                        "-javaagent:" + JvmProcess.AGENT_JAR + "=exporter.port=" + port + ",journal.path=" + journal,
                        "-XX:-UsePerfData", libraryOption,
                        "-cp", JvmProcess.TEST_CLASSES.toString(), BurstApp.class.getName()),
                List.of(String.valueOf(EVENTS)), Map.of())) {
            Awaitility.await("the burst recorded and the failure said").atMost(Duration.ofSeconds(60))
                    .until(() -> app.stdout().contains("DONE") && app.stderr().contains(CANNOT_WRITE));
            assertThat(app.stderr()).contains(said).doesNotContain("journal disabled");
            Thread.sleep(3000); // past two retries
            Scrape waiting = Scrape.of(port);
            assertThat(waiting.value("kube9_journal_up")).isZero();
            assertThat(waiting.value("kube9_events_queue_size")).as("held in the queue").isEqualTo(EVENTS);

            Process lift = new ProcessBuilder("prlimit", "--pid", String.valueOf(app.pid()), "--fsize=unlimited:unlimited")
                    .redirectErrorStream(true).start();
            assertThat(lift.waitFor()).as(new String(lift.getInputStream().readAllBytes())).isZero();

            assertEveryEventWrittenOnceOpened(port);
            assertThat(app.stderr().split(Pattern.quote(CANNOT_WRITE), -1)).as("said once").hasSize(2);
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(Journal.single(journal, "SELECT count(*) FROM events")).isEqualTo(String.valueOf(before + EVENTS));
    }

    /** Waits for the journal to open and the queue to drain: every event inserted, none dropped. */
    private static void assertEveryEventWrittenOnceOpened(int port) throws Exception {
        Awaitility.await("journal opened and queue drained").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> Scrape.of(port).value("kube9_journal_up") == 1.0
                        && Scrape.of(port).value("kube9_events_queue_size") == 0);
        Scrape scrape = Scrape.of(port);
        assertThat(scrape.value("kube9_database_operations_total{operation=\"insert\"}")).isEqualTo(EVENTS);
        assertThat(scrape.value("kube9_events_dropped_total")).isZero();
    }

    @Test
    void aJvmThatExitsWhileTheJournalIsStillLockedStopsWithinTheDeadline() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("still-locked"));
        Path journal = dir.resolve("journal.db");
        try (Connection lock = lockExclusively(journal);
                JvmProcess app = JvmProcess.app(dir, "exporter.port=0,journal.path=" + journal
                        + ",journal.shutdown-timeout=5s", BurstApp.class, String.valueOf(EVENTS))) {
            Awaitility.await("the lock reported").atMost(Duration.ofSeconds(60))
                    .until(() -> app.stdout().contains("DONE") && app.stderr().contains(LOCKED));
            long before = System.nanoTime();
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isZero();
            Duration stopping = Duration.ofNanos(System.nanoTime() - before);
            System.out.println("locked journal: the JVM exited in " + stopping.toMillis() + " ms");
            assertThat(stopping).isLessThan(Duration.ofSeconds(5));
            // The agent's own warnings only: JDK 22+ warns on its own when sqlite-jdbc loads its library.
            assertThat(app.stderr().lines().filter(line -> line.startsWith("[kube9-agent] WARNING")))
                    .as("the lock, and at exit what it kept from the journal:\n%s", app.stderr())
                    .satisfiesExactly(
                            first -> assertThat(first).contains(LOCKED),
                            last -> assertThat(last).endsWith("journal " + journal + " could not be opened before the"
                                    + " JVM exited: " + EVENTS + " captured events were not written"));
        }
        assertThat(Journal.single(journal, "SELECT count(*) FROM sqlite_master")).isEqualTo("0");
    }

    /**
     * An empty database in WAL mode (as a journal is) whose exclusive lock the returned connection
     * holds until it is closed, as {@code PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE} does in
     * the {@code sqlite3} shell.
     */
    private static Connection lockExclusively(Path file) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("PRAGMA locking_mode = EXCLUSIVE");
            statement.execute("BEGIN EXCLUSIVE");
            try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
                rows.next();
            }
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }
}
