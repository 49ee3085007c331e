package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A tiny queue and a journal that another process keeps locked during a burst: the service
 * must not notice, drops are counted oldest-first, and every captured event is accounted for.
 */
class OverflowIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "overflow");

    @Test
    void aFullQueueDropsAndCountsWithoutTouchingTheService() throws Exception {
        String[] load = {"--load", "4000", "--rate", "2000", "--threads", "2", "--seed", "21"};
        SampleCounts reference;
        try (JvmProcess plain = JvmProcess.sample(JvmProcess.freshDir(WORK.resolve("without")), null, load)) {
            reference = plain.awaitSummary(Duration.ofSeconds(60));
        }

        int port = JvmProcess.freePort();
        Path dir = JvmProcess.freshDir(WORK.resolve("with"));
        Path journal = dir.resolve("journal.db");
        String[] held = java.util.stream.Stream.concat(java.util.Arrays.stream(load), java.util.stream.Stream.of("--hold"))
                .toArray(String[]::new);
        try (JvmProcess service = JvmProcess.sample(dir,
                "exporter.port=" + port + ",journal.path=" + journal + ",queue.capacity=64,journal.batch-size=16",
                held)) {
            // Once the agent has opened the journal, another process takes its write lock and
            // holds it for the whole burst: the writer cannot write, the tiny queue overflows.
            // Locked any earlier, the agent's own open and migration would meet the lock and it
            // would run without a journal (0 inserts, 0 drops): wait until it reports the journal up.
            Awaitility.await("journal opened").atMost(Duration.ofSeconds(30))
                    .until(() -> service.stderr().contains("[kube9-agent] journal "));
            Awaitility.await("journal up").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Scrape.of(port).value("kube9_journal_up") == 1.0);
            SampleCounts truth;
            try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + journal);
                    Statement statement = locker.createStatement()) {
                statement.execute("PRAGMA busy_timeout = 10000");
                statement.execute("BEGIN IMMEDIATE");
                truth = service.awaitSummary(Duration.ofSeconds(90));
                statement.execute("COMMIT");
            }
            assertThat(truth.lines).isEqualTo(reference.lines);

            Awaitility.await("queue drained").atMost(Duration.ofSeconds(30))
                    .until(() -> Scrape.of(port).value("kube9_events_queue_size") == 0);
            Scrape scrape = Scrape.of(port);
            double captured = truth.sum("stored_events") + truth.sum("recorded_events");
            double inserted = scrape.value("kube9_database_operations_total{operation=\"insert\"}");
            double dropped = scrape.value("kube9_events_dropped_total");
            System.out.printf("overflow: captured %.0f, inserted %.0f, dropped %.0f, write errors %.0f%n",
                    captured, inserted, dropped, scrape.value("kube9_journal_write_errors_total"));
            assertThat(dropped).isPositive();
            assertThat(inserted + dropped).isEqualTo(captured);
            assertThat(scrape.value("kube9_journal_write_errors_total")).isPositive();
            assertThat(scrape.value("kube9_journal_up")).as("the writer caught up").isEqualTo(1.0);
            // Metrics count every event, dropped from the journal or not.
            assertThat(scrape.series("events_stored_total")).isEqualTo(truth.series("stored_events"));
            service.terminate(Duration.ofSeconds(30));
            // Said on stderr: at the first drop, put down to the lock, and the rest once the drops
            // stopped (or as the journal closed), every one of them.
            List<String> said = service.stderr().lines().filter(line -> line.contains("the queue was full: "))
                    .collect(Collectors.toList());
            assertThat(said).as("once in a burst of seconds, and its end").hasSizeBetween(1, 2);
            assertThat(said.get(0)).contains("events dropped, oldest first", "counted in kube9_events_dropped_total",
                    "Said at most once a minute");
            // (the first drops may come before the first write meets the lock: a tiny queue fills in
            // one of the idle writer's naps)
            assertThat(said).anySatisfy(line -> assertThat(line).contains("the journal could not be written meanwhile"));
            Matcher counts = Pattern.compile("(?:the queue was full|before the journal could be written): (\\d+) events"
                    + " dropped").matcher(service.stderr());
            long saidInAll = 0; // with those dropped while the journal opened, said as such
            while (counts.find()) {
                saidInAll += Long.parseLong(counts.group(1));
            }
            assertThat(saidInAll).as("every drop said").isEqualTo((long) dropped);
        }
        assertThat(Double.parseDouble(Journal.single(journal, "SELECT count(*) FROM events"))).isPositive();
        assertThat(Journal.single(journal, "PRAGMA integrity_check")).isEqualTo("ok");
    }
}
