package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Retention runs in the writer while the service is under load, and every delete is counted. */
class RetentionIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "retention");

    @Test
    void rowLimitIsKeptUnderLoadAndDeletesAreCounted() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("rows"));
        Path journal = dir.resolve("j.db");
        int port = JvmProcess.freePort();
        try (JvmProcess service = JvmProcess.sample(dir, "exporter.port=" + port + ",journal.path=" + journal
                + ",journal.retention.rows=1000", "--load", "8000", "--rate", "3000", "--seed", "8", "--hold")) {
            SampleCounts truth = service.awaitSummary(Duration.ofSeconds(90));
            double captured = truth.sum("stored_events") + truth.sum("recorded_events");
            // The last batch may still wait for more rows (kube9.journal.flush-interval) while the rows
            // written before it already stand at the limit: wait for the queue to be empty too.
            Awaitility.await("written and pruned to the limit").atMost(Duration.ofSeconds(30)).until(() -> {
                Scrape now = Scrape.of(port);
                return now.value("kube9_events_queue_size") == 0 && now.value("kube9_journal_rows") == 1000;
            });
            Scrape scrape = Scrape.of(port);
            double inserted = scrape.value("kube9_database_operations_total{operation=\"insert\"}");
            double deleted = scrape.value("kube9_database_operations_total{operation=\"delete\"}");
            System.out.printf("retention: captured %.0f, inserted %.0f, deleted %.0f, rows 1000, %.0f bytes on disk%n",
                    captured, inserted, deleted, scrape.value("kube9_events_storage_size_bytes"));
            assertThat(inserted).isEqualTo(captured);
            assertThat(inserted - deleted).isEqualTo(1000);
            assertThat(scrape.value("kube9_journal_retention_max_rows")).isEqualTo(1000);
            assertThat(scrape.value("kube9_database_operations_total{operation=\"select\"}"))
                    .as("the row count when the journal opened; the row limit needs no query").isEqualTo(1);
            service.terminate(Duration.ofSeconds(30));
        }
        assertThat(Journal.single(journal, "SELECT count(*) FROM events")).isEqualTo("1000");
        assertThat(Journal.single(journal, "SELECT min(id) > 1 FROM events")).as("the oldest went first").isEqualTo("1");
    }

    @Test
    void sizeLimitStopsTheFileGrowing() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("bytes"));
        int port = JvmProcess.freePort();
        try (JvmProcess service = JvmProcess.sample(dir, "exporter.port=" + port + ",journal.path=" + dir.resolve("j.db")
                + ",journal.retention.bytes=512KB", "--load", "8000", "--rate", "3000", "--seed", "8", "--hold")) {
            service.awaitSummary(Duration.ofSeconds(90));
            Awaitility.await("pruned").atMost(Duration.ofSeconds(30)).until(() ->
                    Scrape.of(port).value("kube9_database_operations_total{operation=\"delete\"}") > 0
                            && Scrape.of(port).value("kube9_events_queue_size") == 0);
            Thread.sleep(1500); // one more retention pass after the last batch
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.value("kube9_database_operations_total{operation=\"select\"}"))
                    .as("the row count at open and a size check after each batch")
                    .isGreaterThanOrEqualTo(1 + scrape.value("kube9_journal_batch_duration_seconds_count"));
            service.terminate(Duration.ofSeconds(30));
        }
        // Pruned pages are reused, not given back: the file keeps its peak (how far writes outran
        // pruning), while the pages holding rows stay within the limit once the writer is at rest.
        Path journal = dir.resolve("j.db");
        long inUse = Long.parseLong(Journal.single(journal, "SELECT (SELECT page_count FROM pragma_page_count())"
                + " - (SELECT freelist_count FROM pragma_freelist_count())"))
                * Long.parseLong(Journal.single(journal, "PRAGMA page_size"));
        long file = java.nio.file.Files.size(journal);
        System.out.printf("retention by size: %d bytes in use, file %d bytes, for a 512 KB limit%n", inUse, file);
        assertThat(inUse).isLessThanOrEqualTo(512 * 1024);
        assertThat(file).as("far below the ~3 MB the same load writes without a limit").isLessThan(2 * 1024 * 1024);
        assertThat(Long.parseLong(Journal.single(dir.resolve("j.db"), "SELECT count(*) FROM events"))).isPositive();
    }
}
