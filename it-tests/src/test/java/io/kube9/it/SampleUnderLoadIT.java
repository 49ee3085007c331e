package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The sample service under load with the real agent jar: what the agent scraped and journaled
 * must equal what the service itself counted, exactly (SPEC section 3's invariants).
 */
class SampleUnderLoadIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "sample-under-load");

    @Test
    void metricsAndJournalEqualTheServicesOwnCounts() throws Exception {
        System.out.println("services under test run on " + JvmProcess.JAVA);
        int port = JvmProcess.freePort();
        Path dir = JvmProcess.freshDir(WORK.resolve("exact"));
        Path journal = dir.resolve("kube9-events.db");
        SampleCounts truth;
        Scrape scrape;
        try (JvmProcess service = JvmProcess.sample(dir,
                "exporter.port=" + port + ",exporter.host=127.0.0.1,journal.path=" + journal
                        + ",store.path=" + dir.resolve("orders.db"),
                "--load", "6000", "--threads", "3", "--seed", "11", "--hold")) {
            truth = service.awaitSummary(Duration.ofSeconds(90));
            Awaitility.await("queue drained").atMost(Duration.ofSeconds(30))
                    .until(() -> Scrape.of(port).value("kube9_events_queue_size") == 0);
            scrape = Scrape.of(port);

            assertThat(scrape.series("events_stored_total")).isEqualTo(truth.series("stored_events"));
            assertThat(scrape.value("events_stored_bytes_total")).isEqualTo(truth.value("stored_payload_bytes"));
            assertThat(scrape.series("kube9_events_total")).isEqualTo(truth.series("recorded_events"));
            assertThat(scrape.series("projection_updates_total")).isEqualTo(truth.series("projection_updates"));
            assertThat(scrape.series("projection_errors_total")).isEqualTo(truth.series("projection_errors"));
            assertThat(truth.sum("projection_errors")).as("the sample produced poison events").isPositive();

            // Every projection call is timed once, whether it returned or threw.
            Map<String, Double> calls = new TreeMap<>();
            truth.series("projection_updates").forEach((labels, n) ->
                    calls.put(labels, n + truth.series("projection_errors").getOrDefault(labels, 0.0)));
            assertThat(scrape.series("event_processing_duration_seconds_count")).isEqualTo(calls);
            assertThat(scrape.series("projection_lag_seconds")).hasSize(2)
                    .allSatisfy((labels, lag) -> assertThat(lag).isBetween(0.0, 60.0));

            double captured = truth.sum("stored_events") + truth.sum("recorded_events");
            assertThat(scrape.value("kube9_database_operations_total{operation=\"insert\"}")).isEqualTo(captured);
            assertThat(scrape.value("kube9_events_dropped_total")).isZero();
            assertThat(scrape.value("kube9_advice_errors_total")).isZero();
            assertThat(scrape.value("kube9_journal_up")).isEqualTo(1.0);
            assertThat(scrape.value("kube9_instrumented_methods")).isGreaterThanOrEqualTo(5);
            assertThat(scrape.value("kube9_events_storage_size_bytes")).isPositive();
            assertThat(scrape.value("event_store_size_bytes")).isPositive();
            assertThat(scrape.series("kube9_agent_info")).containsOnlyKeys("{version=\"0.1.0-SNAPSHOT\"}");

            // The command line reads the journal while the agent holds it open for writing.
            AttachIT.Cli stats = AttachIT.cli(dir, "query", "events", "stats", "--db", journal.toString(),
                    "--since", "1h", "--format", "json");
            assertThat(stats.exitCode).as(stats.output).isZero();
            assertThat(stats.output).contains(String.valueOf((long) captured));

            // SIGTERM: the service's hooks and ours run; the queue is drained into the journal.
            service.terminate(Duration.ofSeconds(30));
        }

        assertThat(Journal.single(journal, "PRAGMA integrity_check")).isEqualTo("ok");
        assertThat(Journal.single(journal, "PRAGMA user_version")).isEqualTo("4");
        Map<String, Long> bySite = Journal.countBy(journal, "SELECT site, count(*) FROM events GROUP BY site");
        assertThat(bySite.get("store").doubleValue()).isEqualTo(truth.sum("stored_events"));
        assertThat(bySite.get("recorder").doubleValue()).isEqualTo(truth.sum("recorded_events"));
        Map<String, Long> storedByType = Journal.countBy(journal,
                "SELECT event_type, count(*) FROM events WHERE site = 'store' GROUP BY event_type");
        truth.series("stored_events").forEach((labels, count) ->
                assertThat(storedByType.get(labels.replaceAll("\\{event_type=\"(.*)\"}", "$1")))
                        .as(labels).isEqualTo(count.longValue()));
        assertThat(Journal.single(journal, "SELECT sum(payload_bytes) FROM events WHERE site = 'store'"))
                .isEqualTo(String.valueOf((long) truth.value("stored_payload_bytes")));
        assertThat(Journal.single(journal, "SELECT DISTINCT source FROM events WHERE site = 'store'"))
                .isEqualTo("io.kube9.sample.store.SqliteEventStore#append");
        assertThat(Journal.single(journal, "SELECT count(*) FROM events WHERE aggregate_id IS NULL"
                + " AND site = 'store' OR occurred_at IS NULL AND site = 'store'")).isEqualTo("0");
        assertThat(Journal.single(journal, "SELECT count(*) FROM events WHERE payload IS NOT NULL")).isEqualTo("0");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journal))).isEqualTo("rw-------");
    }

    @Test
    void theServiceExitsAsItWouldWithoutTheAgent() throws Exception {
        Path without = JvmProcess.freshDir(WORK.resolve("exit-without"));
        Path with = JvmProcess.freshDir(WORK.resolve("exit-with"));
        String withoutOut;
        int withoutCode;
        try (JvmProcess service = JvmProcess.sample(without, null, "--load", "1500", "--seed", "5")) {
            withoutCode = service.awaitExit(Duration.ofSeconds(60));
            withoutOut = service.stdout();
        }
        try (JvmProcess service = JvmProcess.sample(with, "exporter.port=0,journal.path=" + with.resolve("j.db"),
                "--load", "1500", "--seed", "5")) {
            assertThat(service.awaitExit(Duration.ofSeconds(60))).isEqualTo(withoutCode).isZero();
            assertThat(summary(service.stdout())).isEqualTo(summary(withoutOut));
            // Normal exit drains the queue: every captured event is in the journal.
            SampleCounts truth = SampleCounts.parse(service.stdout());
            assertThat(Journal.single(with.resolve("j.db"), "SELECT count(*) FROM events"))
                    .isEqualTo(String.valueOf((long) (truth.sum("stored_events") + truth.sum("recorded_events"))));
        }
    }

    private static String summary(String stdout) {
        return stdout.substring(stdout.indexOf("=== sample-app counts ==="));
    }
}
