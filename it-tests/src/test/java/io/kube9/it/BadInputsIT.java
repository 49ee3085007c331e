package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kube9.it.apps.TrickyApp;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Every bad input leaves the service's output and exit code unchanged and is reported clearly. */
class BadInputsIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "bad-inputs");
    private static final String[] LOAD = {"--load", "800", "--seed", "9"};

    @Test
    void badConfigurationIsReportedByKeyAndValueAndTheRestWorks() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("config"));
        int port = JvmProcess.freePort();
        SampleCounts reference = referenceRun("config-reference");
        try (JvmProcess service = JvmProcess.sample(dir, "exporter.port=" + port + ",journal.path=" + dir.resolve("j.db")
                + ",nonsense.key=1,queue.capacity=-3,journal.batch-size=lots,oops", withHold(LOAD))) {
            SampleCounts counts = service.awaitSummary(Duration.ofSeconds(60));
            assertThat(counts.lines).isEqualTo(reference.lines);
            assertThat(service.stderr())
                    .contains("kube9.nonsense.key: unknown key (from agent argument, value \"1\"); ignored")
                    .contains("kube9.queue.capacity: expected a whole number from 2 to 4194304, found \"-3\"")
                    .contains("kube9.journal.batch-size: expected a whole number from 1 to 100000, found \"lots\"")
                    .contains("agent argument \"oops\": expected key=value");
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.value("kube9_agent_config_problems")).isEqualTo(4);
            assertThat(scrape.value("kube9_events_queue_capacity")).as("default kept").isEqualTo(262144);
            assertThat(scrape.series("events_stored_total")).isEqualTo(counts.series("stored_events"));
        }
    }

    @Test
    void aMisspeltEnvironmentVariableIsReportedWithTheNameItMeantAndTheRestWorks() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("env-typo"));
        int port = JvmProcess.freePort();
        Path journal = dir.resolve("j.db");
        SampleCounts reference = referenceRun("env-typo-reference");
        Map<String, String> environment = Map.of(
                "KUBE9_JOURNAL_ENABLE", "false",
                "KUBE9_EXPORTER_PROT", "19810",
                "KUBE9_JOURNAL_PATH", journal.toString(),
                // Kubernetes' link to a service named kube9: not the agent's, not reported
                "KUBE9_SERVICE_HOST", "10.0.0.11",
                "KUBE9_PORT", "tcp://10.0.0.11:9469");
        try (JvmProcess service = JvmProcess.sample(dir, "exporter.port=" + port, environment, withHold(LOAD))) {
            SampleCounts counts = service.awaitSummary(Duration.ofSeconds(60));
            assertThat(counts.lines).isEqualTo(reference.lines);
            assertThat(service.stderr())
                    .contains("KUBE9_EXPORTER_PROT: unknown key (from environment, value \"19810\"); ignored"
                            + " (did you mean KUBE9_EXPORTER_PORT?)")
                    .contains("KUBE9_JOURNAL_ENABLE: unknown key (from environment, value \"false\"); ignored"
                            + " (did you mean KUBE9_JOURNAL_ENABLED?)")
                    .doesNotContain("KUBE9_SERVICE_HOST")
                    .doesNotContain("KUBE9_PORT:");
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.value("kube9_agent_config_problems")).isEqualTo(2);
            assertThat(scrape.value("kube9_journal_up")).as("the journal stays on").isEqualTo(1);
            service.terminate(Duration.ofSeconds(30));
        }
        assertThat(Long.parseLong(Journal.single(journal, "SELECT count(*) FROM events")))
                .as("KUBE9_JOURNAL_PATH read, the journal written")
                .isEqualTo((long) (reference.sum("stored_events") + reference.sum("recorded_events")));
    }

    @Test
    void aQueueTooLargeForASmallHeapIsMadeSmallerAndSaysSo() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("small-heap"));
        int port = JvmProcess.freePort();
        Path journal = dir.resolve("j.db");
        SampleCounts reference = referenceRun("small-heap-reference");
        // 262,144 slots of 64 bytes are 16 MB, which G1's 1 MB regions make 20: more than an eighth
        // of a 100 MB heap; 131,072 take 12 and fit. Not asked for: said as a fact, not a warning.
        List<String> jvm = List.of("-javaagent:" + JvmProcess.AGENT_JAR + "=exporter.port=" + port + ",journal.path="
                + journal, "-Xmx100m", "-jar", JvmProcess.SAMPLE_JAR.toString());
        List<String> args = new ArrayList<>(List.of("--port", "0", "--store", dir.resolve("orders.db").toString()));
        args.addAll(List.of(withHold(LOAD)));
        try (JvmProcess service = JvmProcess.start(dir, jvm, args)) {
            SampleCounts counts = service.awaitSummary(Duration.ofSeconds(60));
            assertThat(counts.lines).isEqualTo(reference.lines);
            assertThat(service.stderr().lines().filter(line -> line.contains("the queue holds")))
                    .singleElement().asString()
                    .startsWith("[kube9-agent] the queue holds 131072 events (12 MB of heap) instead of 262144 (20 MB),"
                            + " to stay within 1/8 of this JVM's maximum heap (");
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.value("kube9_events_queue_capacity")).isEqualTo(131072);
            assertThat(scrape.value("kube9_events_dropped_total")).isZero();
            service.terminate(Duration.ofSeconds(30));
        }
        assertThat(Long.parseLong(Journal.single(journal, "SELECT count(*) FROM events")))
                .isEqualTo((long) (reference.sum("stored_events") + reference.sum("recorded_events")));
    }

    @Test
    void aQueueOfFewerSlotsThanTwoALaneIsMadeLargerAndSaysSo() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("queue-lanes"));
        int port = JvmProcess.freePort();
        SampleCounts reference = referenceRun("queue-lanes-reference");
        try (JvmProcess service = JvmProcess.sample(dir, "exporter.port=" + port + ",journal.path=" + dir.resolve("j.db")
                + ",queue.capacity=2,queue.lanes=64", withHold(LOAD))) {
            SampleCounts counts = service.awaitSummary(Duration.ofSeconds(60));
            assertThat(counts.lines).isEqualTo(reference.lines);
            assertThat(service.stderr()).contains("kube9.queue.capacity=2 is fewer than two events for each of the 64"
                    + " lanes (kube9.queue.lanes): the queue holds 128 events");
            double captured = counts.sum("stored_events") + counts.sum("recorded_events");
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Scrape scrape = Scrape.of(port);
                assertThat(scrape.value("kube9_events_queue_capacity")).isEqualTo(128);
                assertThat(scrape.value("kube9_database_operations_total{operation=\"insert\"}")
                        + scrape.value("kube9_events_dropped_total")).as("each event written or dropped").isEqualTo(captured);
            });
            assertThat(Scrape.of(port).value("kube9_agent_config_problems")).as("a note, not a problem").isZero();
        }
    }

    @Test
    void aBusyPortLeavesCaptureAndJournalWorking() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("busy-port"));
        SampleCounts reference = referenceRun("busy-port-reference");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            try (JvmProcess service = JvmProcess.sample(dir,
                    "exporter.port=" + taken.getLocalPort() + ",journal.path=" + dir.resolve("j.db"), LOAD)) {
                assertThat(service.awaitExit(Duration.ofSeconds(60))).isZero();
                assertThat(SampleCounts.parse(service.stdout()).lines).isEqualTo(reference.lines);
                assertThat(service.stderr()).contains("metrics endpoint not started on 0.0.0.0:" + taken.getLocalPort())
                        .contains("set kube9.exporter.port (from agent argument) to a free port")
                        .contains("capture and journal continue");
                assertThat(Long.parseLong(Journal.single(dir.resolve("j.db"), "SELECT count(*) FROM events")))
                        .isEqualTo((long) (reference.sum("stored_events") + reference.sum("recorded_events")));
            }
        }
    }

    @Test
    void aJournalThatCannotBeOpenedIsNamedWithItsKeyAndMetricsKeepWorking() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("unwritable"));
        int port = JvmProcess.freePort();
        SampleCounts reference = referenceRun("unwritable-reference");
        Path directory = Files.createDirectory(dir.resolve("a-directory.db"));
        Path text = Files.writeString(dir.resolve("notes.db"), "These are notes, not a database. ".repeat(40));
        Map<String, String> problems = new LinkedHashMap<>();
        problems.put("/proc/kube9-cannot-write-here.db", "journal /proc/kube9-cannot-write-here.db cannot be created: "); // the reason depends on the user
        problems.put(dir.resolve("no/such/dir/j.db").toString(), "journal " + dir.resolve("no/such/dir/j.db")
                + " cannot be created: directory " + dir.resolve("no/such/dir") + " does not exist");
        problems.put(directory.toString(), "journal " + directory + " is a directory, not a file");
        problems.put(text.toString(), "journal " + text + " is not a SQLite database");
        for (Map.Entry<String, String> problem : problems.entrySet()) {
            try (JvmProcess service = JvmProcess.sample(dir, "exporter.port=" + port + ",journal.path=" + problem.getKey(),
                    withHold(LOAD))) {
                SampleCounts counts = service.awaitSummary(Duration.ofSeconds(60));
                assertThat(counts.lines).isEqualTo(reference.lines);
                // the journal opens on the agent's start-up thread
                Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> service.stderr().contains("journal disabled, metrics continue"));
                String said = service.stderr().lines().filter(line -> line.contains("journal disabled"))
                        .findFirst().orElseThrow();
                assertThat(said).as(problem.getKey()).contains(problem.getValue())
                        .endsWith(" (kube9.journal.path): journal disabled, metrics continue")
                        .doesNotContain("SQLITE_");
                Scrape scrape = Scrape.of(port);
                assertThat(scrape.value("kube9_journal_up")).isZero();
                assertThat(scrape.series("events_stored_total")).isEqualTo(counts.series("stored_events"));
                // What was queued while the journal was being opened is let go, counted as dropped;
                // what came after never went to the queue: nothing waits in it.
                assertThat(scrape.value("kube9_events_dropped_total"))
                        .isBetween(0.0, scrape.sum("events_stored_total") + scrape.sum("kube9_events_total"));
                assertThat(scrape.value("kube9_events_queue_size")).isZero();
                // The queue's slot arrays (an eighth of a small heap) are let go too; its drops stay counted.
                double dropped = scrape.value("kube9_events_dropped_total");
                Awaitility.await("the queue let go").atMost(Duration.ofSeconds(10))
                        .until(() -> Scrape.of(port).value("kube9_events_queue_capacity") == 0);
                assertThat(Scrape.of(port).value("kube9_events_dropped_total")).isGreaterThanOrEqualTo(dropped);
                service.terminate(Duration.ofSeconds(30));
            }
        }
        assertThat(Files.readString(text)).startsWith("These are notes");
    }

    @Test
    void aMissingStoreIsSaidOnceByKeyAndPathAndItsSizeReadOnceItExists() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("store-path"));
        int port = JvmProcess.freePort();
        // The sample creates its own store as it starts: no false alarm for a store that exists by the first scrape.
        try (JvmProcess service = JvmProcess.sample(dir, "exporter.port=" + port + ",journal.path=" + dir.resolve("j.db")
                + ",store.path=" + dir.resolve("orders.db"), withHold(LOAD))) {
            service.awaitSummary(Duration.ofSeconds(60));
            assertThat(Scrape.of(port).value("event_store_size_bytes")).isPositive();
            assertThat(service.stderr()).doesNotContain("kube9.store.path");
            service.terminate(Duration.ofSeconds(30));
        }

        Path later = dir.resolve("later/orders.db");
        try (JvmProcess service = JvmProcess.sample(dir, "exporter.port=" + port + ",journal.path=" + dir.resolve("j.db")
                + ",store.path=" + later, withHold(LOAD))) {
            service.awaitSummary(Duration.ofSeconds(60));
            assertThat(Scrape.of(port).value("event_store_size_bytes")).isZero();
            String missing = "kube9.store.path: " + later + " does not exist; event_store_size_bytes reads 0 until it does";
            assertThat(service.stderr()).contains(missing);
            assertThat(Scrape.of(port).value("event_store_size_bytes")).isZero();
            assertThat(service.stderr().split(java.util.regex.Pattern.quote(missing), -1)).as("said once").hasSize(2);

            Files.createDirectories(later.getParent());
            Files.write(later, new byte[12345]);
            assertThat(Scrape.of(port).value("event_store_size_bytes")).isEqualTo(12345);
            service.terminate(Duration.ofSeconds(30));
        }
    }

    @Test
    void aStorePathThisJvmCannotOpenCostsOnlyItsGauge() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("store-path-unusable"));
        int port = JvmProcess.freePort();
        // A NUL fails in any locale, as characters outside the file-name encoding fail in a container without one.
        Path file = dir.resolve("kube9.properties");
        Files.write(file, ("store.path=" + dir.resolve("orders") + "\\u0000.db\n").getBytes(StandardCharsets.UTF_8));
        try (JvmProcess service = JvmProcess.sample(dir, "exporter.port=" + port + ",journal.path=" + dir.resolve("j.db")
                + ",config=" + file, withHold(LOAD))) {
            service.awaitSummary(Duration.ofSeconds(60));
            Awaitility.await("the metrics endpoint").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> service.stderr().contains("[kube9-agent] metrics on "));
            assertThat(Scrape.of(port).value("kube9_instrumented_methods")).isPositive();
            assertThat(Scrape.of(port).series("event_store_size_bytes")).isEmpty();
            assertThat(service.stderr()).contains("kube9.store.path: \"" + dir.resolve("orders") + "\\u0000.db\" is not a"
                    + " path this JVM can open").contains("event_store_size_bytes is not served, the other metrics are")
                    .doesNotContain("start-up failed part-way");
            service.terminate(Duration.ofSeconds(30));
        }
    }

    @Test
    void trickyEventsAndSitesNeverChangeWhatTheServiceSees() throws Exception {
        String plainOut;
        try (JvmProcess plain = JvmProcess.app(JvmProcess.freshDir(WORK.resolve("tricky-without")), null,
                TrickyApp.class)) {
            assertThat(plain.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
            plainOut = plain.stdout();
        }
        assertThat(plainOut).contains("thrown: java.lang.IllegalStateException recorder is down same=true");

        Path dir = JvmProcess.freshDir(WORK.resolve("tricky-with"));
        int port = JvmProcess.freePort();
        try (JvmProcess app = JvmProcess.app(dir, "exporter.port=" + port + ",journal.path=" + dir.resolve("j.db")
                + ",journal.payload=true,recorder.types=*EventRecorder", TrickyApp.class, "--hold")) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.stdout().contains("DONE"));
            assertThat(app.stdout()).isEqualTo(plainOut);
            Awaitility.await("queue drained").atMost(Duration.ofSeconds(30))
                    .until(() -> Scrape.of(port).value("kube9_events_queue_size") == 0);
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.series("kube9_events_total")).containsOnly(
                    org.assertj.core.api.Assertions.entry("{event_type=\"ThrowingAccessorEvent\",severity=\"critical\"}", 1.0),
                    org.assertj.core.api.Assertions.entry("{event_type=\"unknown\",severity=\"unknown\"}", 1.0),
                    org.assertj.core.api.Assertions.entry("{event_type=\"health\",severity=\"info\"}", 1.0),
                    org.assertj.core.api.Assertions.entry("{event_type=\"system\",severity=\"warning\"}", 1.0),
                    org.assertj.core.api.Assertions.entry("{event_type=\"insight\",severity=\"unknown\"}", 1.0),
                    // 52 nested calls of one recorder (overloads included) count once
                    org.assertj.core.api.Assertions.entry("{event_type=\"operator\",severity=\"info\"}", 1.0));
            assertThat(scrape.value("kube9_accessor_errors_total")).isEqualTo(1.0);
            assertThat(scrape.value("kube9_advice_errors_total")).isZero();
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
        }
        Path journal = dir.resolve("j.db");
        assertThat(Journal.single(journal, "SELECT payload_bytes || ':' || length(payload) FROM events"
                + " WHERE event_type = 'system'")).isEqualTo((8 * 1024 * 1024) + ":4096");
        assertThat(Journal.single(journal, "SELECT count(*) FROM events")).isEqualTo("6");
    }

    private static SampleCounts referenceRun(String name) throws Exception {
        try (JvmProcess plain = JvmProcess.sample(JvmProcess.freshDir(WORK.resolve(name)), null, LOAD)) {
            assertThat(plain.awaitExit(Duration.ofSeconds(60))).isZero();
            return SampleCounts.parse(plain.stdout());
        }
    }

    private static String[] withHold(String[] args) {
        String[] held = java.util.Arrays.copyOf(args, args.length + 1);
        held[args.length] = "--hold";
        return held;
    }
}
