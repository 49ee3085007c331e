package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service run as a module ({@code java -m}), compiled here from {@code modular-service}: its
 * boot layer resolves only the modules it requires, so JDBC's, which the journal needs, is not
 * there unless the command line adds it. One of its stores is a dynamic proxy of an interface,
 * in the JDK's package for proxies ({@code jdk.proxy1}), which is the application's class; its
 * projection is a class with a proxy in front of it.
 */
class ModularServiceIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "modular-service");
    private static final String MAIN = "com.acme.orders/com.acme.orders.OrdersMain";
    private static final int EVENTS = 40;

    private static Path modules;

    @BeforeAll
    static void compileTheModule() throws IOException {
        Path sources = JvmProcess.TEST_CLASSES.resolve("modular-service");
        modules = JvmProcess.freshDir(WORK.resolve("modules"));
        List<String> arguments = new ArrayList<>(List.of("--release", "11", "-d",
                modules.resolve("com.acme.orders").toString()));
        try (Stream<Path> files = Files.walk(sources)) {
            arguments.addAll(files.filter(file -> file.toString().endsWith(".java")).map(Path::toString)
                    .collect(Collectors.toList()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, arguments.toArray(new String[0]))).as("javac %s", arguments).isZero();
    }

    @Test
    void withoutJdbcsModuleTheJournalIsOffWithOneLineAndMetricsCountEveryStore() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("without-java-sql"));
        int port = JvmProcess.freePort();
        try (JvmProcess app = JvmProcess.start(dir, List.of(
                        "-javaagent:" + JvmProcess.AGENT_JAR + "=exporter.port=" + port + ",journal.path="
                                + dir.resolve("j.db"),
                        "--module-path", modules.toString(), "-m", MAIN),
                List.of(Integer.toString(EVENTS)))) {
            awaitDone(app);
            assertThat(app.stdout()).contains("proxy jdk.proxy",
                    "appended " + EVENTS + " " + EVENTS + " " + EVENTS + " " + EVENTS);
            Awaitility.await("the agent's endpoint").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Scrape.of(port).sum("events_stored_total") == 3 * EVENTS);
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.series("events_stored_total")).containsOnly(
                    entry("{event_type=\"order.placed\"}", (double) EVENTS),
                    entry("{event_type=\"ledger.posted\"}", (double) EVENTS),
                    entry("{event_type=\"shipment.sent\"}", (double) EVENTS));
            assertThat(scrape.series("projection_updates_total"))
                    .as("a proxy in front of a projection class: counted once, at the class, by its name")
                    .containsOnly(entry("{projection=\"OrderProjector\"}", (double) EVENTS));
            assertThat(scrape.value("kube9_journal_up")).isZero();
            assertThat(scrape.value("kube9_advice_errors_total")).isZero();
            String stderr = app.stderr();
            assertThat(stderr).contains("the JVM runs without the JDK module java.sql, which the journal needs",
                    "journal disabled, metrics continue; add --add-modules=java.sql");
            assertThat(stderr.lines().filter(line -> line.contains("[kube9-agent] WARNING")).count())
                    .as(stderr).isEqualTo(1);
            assertThat(stderr).doesNotContain("start-up failed", "Exception", "\tat ");
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(dir.resolve("j.db")).doesNotExist();
    }

    @Test
    void withJdbcsModuleAddedEveryStoreIsJournaledAndTheProxyNamedByItsInterface() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("with-java-sql"));
        Path journal = dir.resolve("j.db");
        int port = JvmProcess.freePort();
        try (JvmProcess app = JvmProcess.start(dir, List.of(
                        "-javaagent:" + JvmProcess.AGENT_JAR + "=exporter.port=" + port + ",journal.path=" + journal,
                        "--add-modules=java.sql", "--module-path", modules.toString(), "-m", MAIN),
                List.of(Integer.toString(EVENTS)))) {
            awaitDone(app);
            Awaitility.await("the journal written").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> Scrape.of(port).value("kube9_database_operations_total{operation=\"insert\"}")
                            == 3 * EVENTS);
            assertThat(app.stderr()).doesNotContain("[kube9-agent] WARNING");
            assertThat(Scrape.of(port).value("kube9_accessor_errors_total")).isZero();
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(Journal.countBy(journal, "SELECT source, count(*) FROM events GROUP BY source")).containsOnly(
                entry("com.acme.orders.OrderEventStore#append", (long) EVENTS),
                entry("com.acme.orders.LedgerEventStore#append", (long) EVENTS),
                entry("com.acme.orders.shipping.ShipmentEventStore#append", (long) EVENTS));
        // A package the module keeps to itself is opened to the agent alone, so its getters
        // (one of them package-private) are read like any other's.
        assertThat(Journal.single(journal, "SELECT event_type || ' ' || event_id || ' ' || aggregate_id || ' '"
                + " || occurred_at FROM events WHERE source LIKE '%ShipmentEventStore%' ORDER BY id LIMIT 1"))
                .isEqualTo("shipment.sent shipment-0 order-0 1700000000000");
        assertThat(Journal.single(journal, "SELECT count(*) FROM events WHERE source LIKE '%ShipmentEventStore%'"
                + " AND event_id IS NOT NULL AND aggregate_id IS NOT NULL AND occurred_at IS NOT NULL"))
                .isEqualTo(String.valueOf(EVENTS));
    }

    private static void awaitDone(JvmProcess app) {
        Awaitility.await("the service").atMost(Duration.ofSeconds(60))
                .until(() -> app.stdout().contains("DONE") || !app.isAlive());
        assertThat(app.stdout()).as(app.stderr()).contains("DONE");
    }
}
