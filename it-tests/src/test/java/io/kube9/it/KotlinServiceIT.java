package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Kotlin service, compiled here from {@code kotlin-service} by the real Kotlin compiler, whose
 * sites are suspend functions resumed on other threads: each call counts once, when it is done,
 * with its outcome and its whole duration, whether the compiler gave the function a state machine
 * or made it a tail call. A companion object's function and a method named for a value class
 * count as their class's.
 */
class KotlinServiceIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "kotlin-service");

    private static String classPath;

    @BeforeAll
    static void compileTheService() throws Exception {
        classPath = CompiledApp.compileKotlin("kotlin-service", Paths.get(System.getProperty("it.kotlin.compiler")),
                Paths.get(System.getProperty("it.kotlin.libs")), WORK.resolve("classes"), "11");
    }

    @Test
    void suspendSitesCountEachCallOnceWithItsOutcomeAndDuration() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("run"));
        Path journal = dir.resolve("j.db");
        int port = JvmProcess.freePort();
        try (JvmProcess service = JvmProcess.start(dir, List.of("-javaagent:" + JvmProcess.AGENT_JAR
                + "=exporter.port=" + port + ",journal.path=" + journal, "-cp", classPath, "shop.OrderServiceKt"),
                List.of(), Map.of())) {
            Awaitility.await("the service").atMost(Duration.ofSeconds(60)).until(() -> service.stdout().contains("DONE"));
            assertThat(service.stdout()).contains("stored placed=20 audited=16 shipped=15 legacy=6 refunded=10"
                    + " recorded=10 failures=9");
            Awaitility.await("the agent's endpoint").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Scrape.of(port).sum("projection_updates_total") == 40);
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.series("events_stored_total")).containsOnly(
                    entry("{event_type=\"order.placed\"}", 20.0), // a state machine
                    entry("{event_type=\"order.audited\"}", 16.0), // a state machine failing after it resumed
                    entry("{event_type=\"order.shipped\"}", 15.0), // a tail call failing inside it
                    entry("{event_type=\"order.legacy\"}", 6.0), // a companion object's function
                    entry("{event_type=\"order.refunded\"}", 10.0)); // a value class parameter
            assertThat(scrape.series("kube9_events_total"))
                    .containsOnly(entry("{event_type=\"NodeDown\",severity=\"warning\"}", 10.0));
            assertThat(scrape.series("projection_updates_total")).containsOnly(
                    entry("{projection=\"OrderProjection\"}", 20.0), entry("{projection=\"ShippingProjection\"}", 20.0));
            assertThat(scrape.series("projection_errors_total")).containsOnly(
                    entry("{projection=\"OrderProjection\"}", 10.0), entry("{projection=\"ShippingProjection\"}", 10.0));
            assertThat(scrape.series("event_processing_duration_seconds_count")).containsOnly(
                    entry("{projection=\"OrderProjection\"}", 30.0), entry("{projection=\"ShippingProjection\"}", 30.0));
            // Each call waits 5 ms before it ends: timed to its first suspension, the sums were ~2 ms.
            assertThat(scrape.series("event_processing_duration_seconds_sum").values())
                    .allSatisfy(seconds -> assertThat(seconds).isGreaterThanOrEqualTo(30 * 0.005));
            assertThat(scrape.value("kube9_advice_errors_total")).isZero();
            assertThat(scrape.value("kube9_accessor_errors_total")).isZero();
            service.closeStdin();
            assertThat(service.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(service.stderr()).doesNotContain("[kube9-agent] WARNING", "Exception");
        }
        assertThat(Journal.countBy(journal, "SELECT source, count(*) FROM events GROUP BY source")).containsOnly(
                entry("shop.OrderEventStore#append", 20L),
                entry("shop.FlakyEventStore#append", 16L),
                entry("shop.TailEventStore#append", 15L),
                entry("shop.LegacyEventStore#save", 6L),
                entry("shop.StreamEventStore#append", 10L),
                entry("shop.OpsEventRecorder#record", 10L));
        assertThat(Journal.rows(journal, "SELECT DISTINCT aggregate_id FROM events WHERE event_type = 'order.refunded'"
                + " ORDER BY 1")).containsExactly("order-1", "order-2", "order-3", "order-4", "order-5");
        assertThat(Journal.single(journal, "SELECT count(*) FROM events WHERE event_type = 'order.audited'"
                + " AND event_id IN ('evt-5', 'evt-10', 'evt-15', 'evt-20')")).isEqualTo("0");
    }

    /**
     * The agent changes a class of the Kotlin library and keeps calls under way: none of it may
     * keep a web application's (or a plugin's) class loader, and the Kotlin in it, alive once it
     * is dropped. The first version did, through an exception made as its bridge class began.
     */
    @Test
    void aPluginsLoaderWithItsOwnKotlinIsLetGoAfterItsCoroutinesRan() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("plugin"));
        Path journal = dir.resolve("j.db");
        String plugin = CompiledApp.compileKotlin("kotlin-plugin", Paths.get(System.getProperty("it.kotlin.compiler")),
                Paths.get(System.getProperty("it.kotlin.libs")), WORK.resolve("plugin-classes"), "11");
        String host = CompiledApp.compile("plugin-host", Paths.get(System.getProperty("it.kotlin.libs")),
                WORK.resolve("host-classes"), "11");
        List<String> pluginPath = List.of(plugin.split(File.pathSeparator));
        try (JvmProcess service = JvmProcess.start(dir, List.of("-javaagent:" + JvmProcess.AGENT_JAR
                + "=exporter.enabled=false,journal.path=" + journal, "-cp", host.split(File.pathSeparator)[0],
                "host.PluginHost"), pluginPath, Map.of())) {
            Awaitility.await("the host").atMost(Duration.ofSeconds(60))
                    .until(() -> service.stdout().contains("plugin loader collected"));
            assertThat(service.stdout()).contains("plugin loader collected: true");
            service.closeStdin();
            assertThat(service.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(service.stderr()).doesNotContain("[kube9-agent] WARNING", "Exception");
        }
        assertThat(Journal.rows(journal, "SELECT source || ' ' || event_type || ' ' || event_id FROM events"))
                .containsExactly("plugin.PluginEventStore#append plugin.loaded plugin-1");
    }
}
