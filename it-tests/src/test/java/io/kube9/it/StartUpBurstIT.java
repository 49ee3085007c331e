package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kube9.it.apps.BurstApp;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Events captured before the journal is open wait in the queue: at the default capacity a burst
 * of 100,000 events from one thread at start-up (more than the 65,536 slots the queue had until
 * the seventh round of issue 5, fewer than the 131,072 of the thread's lane) reaches the journal
 * whole.
 */
class StartUpBurstIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "start-up-burst");
    private static final int EVENTS = 100_000;

    @Test
    void aBurstRecordedWhileTheJournalOpensReachesItWhole() throws Exception {
        int port = JvmProcess.freePort();
        Path dir = JvmProcess.freshDir(WORK);
        Path journal = dir.resolve("journal.db");
        try (JvmProcess app = JvmProcess.app(dir, "exporter.port=" + port + ",journal.path=" + journal,
                BurstApp.class, Integer.toString(EVENTS))) {
            Awaitility.await("the burst").atMost(Duration.ofSeconds(60))
                    .until(() -> app.stdout().contains("DONE") || !app.isAlive());
            assertThat(app.stdout()).contains("recorded " + EVENTS + " in ");
            Awaitility.await("the journal written").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> Scrape.of(port).value("kube9_database_operations_total{operation=\"insert\"}")
                            + Scrape.of(port).value("kube9_events_dropped_total") >= EVENTS);
            Scrape scrape = Scrape.of(port);
            double inserted = scrape.value("kube9_database_operations_total{operation=\"insert\"}");
            double dropped = scrape.value("kube9_events_dropped_total");
            System.out.printf("start-up burst: %s; inserted %.0f, dropped %.0f%n",
                    app.stdout().lines().findFirst().orElse(""), inserted, dropped);
            assertThat(dropped).isZero();
            assertThat(inserted).isEqualTo(EVENTS);
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(Journal.single(journal, "SELECT count(*) FROM events")).isEqualTo(Integer.toString(EVENTS));
        assertThat(Journal.single(journal, "SELECT count(*) FROM events WHERE event_type = 'node.pressure'"))
                .isEqualTo(Integer.toString(EVENTS / 4));
    }
}
