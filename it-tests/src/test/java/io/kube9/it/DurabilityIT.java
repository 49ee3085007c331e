package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.kube9.it.apps.GracefulShutdownApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The journal after crashes and a full disk (issue 4): never corrupt, loss bounded, writing resumes. */
class DurabilityIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "durability");
    private static final int CAPACITY = 1024;
    private static final int BATCH = 256;

    @Test
    void eventsRecordedWhileTheServicesOwnShutdownHooksRunAreJournaledToo() throws Exception {
        // Spring Boot lets requests in flight finish after SIGTERM: their events came after the
        // agent's own hook had closed the journal, and were neither written nor counted.
        Path dir = JvmProcess.freshDir(WORK.resolve("graceful-shutdown"));
        Path journal = dir.resolve("journal.db");
        try (JvmProcess service = JvmProcess.app(dir, "exporter.enabled=false,journal.path=" + journal,
                GracefulShutdownApp.class, "20", "30")) {
            Awaitility.await("the service").atMost(Duration.ofSeconds(60)).until(() -> service.stdout().contains("READY"));
            service.terminate(Duration.ofSeconds(30));
            assertThat(service.stdout()).contains("in-flight work done");
            assertThat(service.stderr()).doesNotContain("[kube9-agent] WARNING");
        }
        assertThat(Journal.countBy(journal, "SELECT event_type, count(*) FROM events GROUP BY 1")).containsOnly(
                entry("order.placed", 20L),
                entry("order.finished.in.flight", 30L));
    }

    @Test
    void killNineUnderLoadLosesAtMostTheQueueAndOneBatch() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("kill-9"));
        Path journal = dir.resolve("journal.db");
        long rowsBefore = 0;
        for (int round = 1; round <= 3; round++) {
            int port = JvmProcess.freePort();
            try (JvmProcess service = JvmProcess.sample(dir.resolve("round-" + round),
                    "exporter.port=" + port + ",journal.path=" + journal + ",queue.capacity=" + CAPACITY
                            + ",journal.batch-size=" + BATCH,
                    "--load", "40000", "--rate", "4000", "--seed", String.valueOf(round), "--hold")) {
                Awaitility.await("load under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> Scrape.of(port).value("kube9_database_operations_total{operation=\"insert\"}") > 2000);
                Scrape last = Scrape.of(port);
                service.kill();
                double captured = last.sum("events_stored_total") + last.sum("kube9_events_total");
                double kept = captured - last.value("kube9_events_dropped_total");
                long rows = Long.parseLong(Journal.single(journal, "SELECT count(*) FROM events"));
                long added = rows - rowsBefore;
                System.out.printf("kill -9 round %d: captured %.0f (%.0f after drops) at the last scrape,"
                        + " %d rows written; missing at most %.0f%n", round, captured, kept, added, kept - added);
                assertThat(Journal.single(journal, "PRAGMA integrity_check")).isEqualTo("ok");
                assertThat(added).as("rows inserted before the scrape survive")
                        .isGreaterThanOrEqualTo((long) last.value("kube9_database_operations_total{operation=\"insert\"}"));
                assertThat(kept - added).as("the unflushed tail").isLessThanOrEqualTo(CAPACITY + BATCH);
                AttachIT.Cli cli = AttachIT.cli(dir, "query", "events", "list", "--db", journal.toString(),
                        "--limit", "1", "--format", "json");
                assertThat(cli.exitCode).as(cli.output).isZero();
                assertThat(cli.output).contains("\"total\":" + rows + ",");
                rowsBefore = rows;
            }
        }
        assertThat(Journal.single(journal, "SELECT max(id) = count(*) FROM events")).as("appended, never rewritten")
                .isEqualTo("1");
    }

    @Test
    void aFullDiskIsCountedAndWritingResumesWhenSpaceReturns() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("disk-full"));
        Path tiny = Files.createDirectories(dir.resolve("tiny"));
        run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", tiny.toString());
        try {
            Path ballast = tiny.resolve("ballast");
            Files.write(ballast, new byte[(16 * 1024 - 400) * 1024]);
            String[] load = {"--load", "6000", "--rate", "2000", "--seed", "4"};
            SampleCounts reference;
            try (JvmProcess plain = JvmProcess.sample(JvmProcess.freshDir(dir.resolve("reference")), null, load)) {
                reference = plain.awaitSummary(Duration.ofSeconds(60));
            }
            int port = JvmProcess.freePort();
            String[] held = java.util.Arrays.copyOf(load, load.length + 1);
            held[load.length] = "--hold";
            try (JvmProcess service = JvmProcess.sample(dir.resolve("service"),
                    "exporter.port=" + port + ",journal.path=" + tiny.resolve("journal.db"), held)) {
                Awaitility.await("the disk fills").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> Scrape.of(port).value("kube9_journal_write_errors_total") > 0);
                assertThat(Scrape.of(port).value("kube9_journal_up")).isZero();
                assertThat(service.stderr()).contains("journal write to").contains("failed, retrying (capture continues)");
                SampleCounts truth = service.awaitSummary(Duration.ofSeconds(90));
                assertThat(truth.lines).as("the service did not notice").isEqualTo(reference.lines);

                Files.delete(ballast);
                Awaitility.await("writing resumed and caught up").atMost(Duration.ofSeconds(60))
                        .until(() -> {
                            Scrape scrape = Scrape.of(port);
                            return scrape.value("kube9_journal_up") == 1 && scrape.value("kube9_events_queue_size") == 0;
                        });
                Scrape scrape = Scrape.of(port);
                double captured = truth.sum("stored_events") + truth.sum("recorded_events");
                System.out.printf("disk full: captured %.0f, inserted %.0f, dropped %.0f, write errors %.0f%n", captured,
                        scrape.value("kube9_database_operations_total{operation=\"insert\"}"),
                        scrape.value("kube9_events_dropped_total"), scrape.value("kube9_journal_write_errors_total"));
                assertThat(scrape.value("kube9_database_operations_total{operation=\"insert\"}")
                        + scrape.value("kube9_events_dropped_total")).isEqualTo(captured);
                service.terminate(Duration.ofSeconds(30));
            }
            assertThat(Journal.single(tiny.resolve("journal.db"), "PRAGMA integrity_check")).isEqualTo("ok");
        } finally {
            run("umount", "-l", tiny.toString());
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s (this test needs root, as CI has)", String.join(" ", command), output)
                .isZero();
    }
}
