package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.kube9.it.apps.VirtualThreadsApp;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A thread per task, each a new virtual thread that leaves its carrier inside an intercepted
 * call: every event is counted once and journaled once. Runs on the JDKs that have virtual
 * threads (Temurin 25 here); on JDK 17 the app says it has none and the test is skipped.
 */
class VirtualThreadsIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "virtual-threads");
    private static final int TASKS = 5_000;

    @Test
    void eachTaskOnItsOwnVirtualThreadIsCountedAndJournaledOnce() throws Exception {
        int port = JvmProcess.freePort();
        Path dir = JvmProcess.freshDir(WORK);
        Path journal = dir.resolve("journal.db");
        try (JvmProcess app = JvmProcess.app(dir, "exporter.port=" + port + ",journal.path=" + journal,
                VirtualThreadsApp.class, Integer.toString(TASKS))) {
            Awaitility.await("the tasks").atMost(Duration.ofSeconds(90))
                    .until(() -> app.stdout().contains("DONE") || !app.isAlive());
            assumeFalse(app.stdout().contains("no virtual threads"), "this JDK has no virtual threads");
            assertThat(app.stdout()).contains("tasks " + TASKS + " " + TASKS);
            Awaitility.await("the journal written").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> Scrape.of(port).value("kube9_database_operations_total{operation=\"insert\"}")
                            >= 2 * TASKS);
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.value("kube9_events_total{event_type=\"task.started\",severity=\"info\"}"))
                    .isEqualTo(TASKS);
            assertThat(scrape.value("events_stored_total{event_type=\"task.done\"}"))
                    .as("the store's inner call, after the virtual thread moved carriers, is not counted again")
                    .isEqualTo(TASKS);
            assertThat(scrape.value("kube9_database_operations_total{operation=\"insert\"}")).isEqualTo(2 * TASKS);
            assertThat(scrape.value("kube9_events_dropped_total")).isZero();
            assertThat(scrape.value("kube9_advice_errors_total")).isZero();
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(Journal.single(journal, "SELECT count(*) FROM events WHERE site = 'store'"))
                .isEqualTo(Integer.toString(TASKS));
        assertThat(Journal.single(journal, "SELECT count(*) FROM events WHERE thread = 'virtual'"))
                .as("an unnamed virtual thread is journaled as 'virtual', not as an empty name")
                .isEqualTo(Integer.toString(2 * TASKS));
    }
}
