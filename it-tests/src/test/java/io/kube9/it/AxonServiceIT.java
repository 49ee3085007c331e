package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An Axon Framework service (no Spring), compiled here from {@code axon-service} against Axon's
 * jars: its storage engine is a store site, and its messages are read by Axon's own names (the
 * payload's class as the event type, not the aggregate's type its {@code getType()} gives); its
 * event handler classes are projections by their own names, with the exception one of them throws
 * counted as an error although Axon's error handler swallows it. With the {@code axon} preset
 * and without it alike.
 */
class AxonServiceIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "axon-service");
    private static final Path LIBS = Paths.get(System.getProperty("it.axon.libs"));
    private static final int ORDERS = 10;

    private static String classPath;

    @BeforeAll
    static void compileTheService() throws IOException {
        classPath = CompiledApp.compile("axon-service", LIBS, WORK.resolve("classes"), "17");
    }

    @ParameterizedTest(name = "agent arguments: {0}")
    @ValueSource(strings = {"", ",preset=axon"})
    void eventsAreCountedByPayloadTypeAndJournaledWithAxonsIdsAndEachHandlerClassIsAProjection(String preset)
            throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve(preset.isEmpty() ? "conventions" : "preset"));
        Path journal = dir.resolve("j.db");
        int port = JvmProcess.freePort();
        try (JvmProcess service = JvmProcess.start(dir, List.of("-javaagent:" + JvmProcess.AGENT_JAR + "=exporter.port="
                + port + ",journal.path=" + journal + preset, "-cp", classPath, "com.acme.axon.OrderService"),
                List.of(Integer.toString(ORDERS)), Map.of())) {
            Awaitility.await("the service").atMost(Duration.ofSeconds(90))
                    .until(() -> service.stdout().contains("DONE") || !service.isAlive());
            assertThat(service.stdout()).as(service.stderr())
                    .contains("summary handled 40", "shipping handled 14 failed 1", "DONE");
            Awaitility.await("the agent's endpoint").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Scrape.of(port).sum("events_stored_total") == 45);
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.series("events_stored_total")).containsOnly(
                    entry("{event_type=\"OrderPlaced\"}", 10.0),
                    entry("{event_type=\"ItemAdded\"}", 30.0),
                    entry("{event_type=\"OrderShipped\"}", 5.0));
            assertThat(scrape.series("projection_updates_total")).containsOnly(
                    entry("{projection=\"OrderSummaryProjection\"}", 40.0),
                    entry("{projection=\"ShippingProjection\"}", 14.0));
            assertThat(scrape.series("projection_errors_total")).contains(
                    entry("{projection=\"ShippingProjection\"}", 1.0));
            assertThat(scrape.value("kube9_advice_errors_total")).isZero();
            assertThat(scrape.value("kube9_accessor_errors_total")).isZero();
            service.closeStdin();
            assertThat(service.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(Journal.countBy(journal, "SELECT event_type || ' ' || source, count(*) FROM events GROUP BY 1"))
                .containsOnly(
                        entry("ItemAdded " + ENGINE, 30L),
                        entry("OrderPlaced " + ENGINE, 10L),
                        entry("OrderShipped " + ENGINE, 5L));
        assertThat(Journal.single(journal, "SELECT count(DISTINCT event_id) || ' ' || count(DISTINCT aggregate_id) || ' '"
                + " || count(occurred_at) || ' ' || min(aggregate_id) FROM events"))
                .as("Axon's identifiers, aggregate identifiers and timestamps").isEqualTo("45 10 45 order-1");
    }

    private static final String ENGINE = "org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine"
            + "#appendEvents";
}
