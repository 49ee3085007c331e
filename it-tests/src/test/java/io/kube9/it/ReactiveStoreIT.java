package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A store whose methods return their work (CompletableFuture; Reactor's Mono and Flux), compiled
 * here against reactor-core: a future counts when it completes and not when it fails; a Mono or
 * Flux, returned untouched, counts as it is returned, whatever then becomes of it (README).
 */
class ReactiveStoreIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "reactive-store");

    @Test
    void futuresCountWhenTheyCompleteAndPublishersAsTheyAreReturned() throws Exception {
        String classPath = CompiledApp.compile("reactive-service", Paths.get(System.getProperty("it.reactor.libs")),
                WORK.resolve("classes"), "11");
        Path dir = JvmProcess.freshDir(WORK.resolve("run"));
        Path journal = dir.resolve("j.db");
        int port = JvmProcess.freePort();
        try (JvmProcess service = JvmProcess.start(dir, List.of("-javaagent:" + JvmProcess.AGENT_JAR
                + "=exporter.port=" + port + ",journal.path=" + journal, "-cp", classPath, "shop.ReactiveService"),
                List.of(), Map.of())) {
            Awaitility.await("the service").atMost(Duration.ofSeconds(60)).until(() -> service.stdout().contains("DONE"));
            assertThat(service.stdout()).contains("stored=23");
            Awaitility.await("the agent's endpoint").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Scrape.of(port).sum("events_stored_total") == 43);
            Scrape scrape = Scrape.of(port);
            // 10 futures that completed (not the 10 rejected); 30 Monos and the Flux's 3 events as returned
            assertThat(scrape.series("events_stored_total")).containsOnly(entry("{event_type=\"order.placed\"}", 43.0));
            assertThat(scrape.value("kube9_advice_errors_total")).isZero();
            service.closeStdin();
            assertThat(service.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(service.stderr()).doesNotContain("[kube9-agent] WARNING", "Exception");
        }
        assertThat(Journal.countBy(journal, "SELECT substr(event_id, 1, instr(event_id, '-') - 1), count(*)"
                + " FROM events GROUP BY 1")).containsOnly(entry("future", 10L), entry("mono", 10L), entry("dup", 10L),
                entry("never", 10L), entry("flux", 3L));
    }
}
