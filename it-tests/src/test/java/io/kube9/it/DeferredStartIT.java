package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kube9.it.apps.ReturnsAtOnceApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The metrics, the journal and the exporter start late ({@code kube9.start.defer}), so that their
 * start-up does not compete with the service's: but never later than the first call of a site
 * (which waits for them and is counted); a JVM that exits first without calling a site never
 * starts them: no journal, no port, nothing said.
 */
class DeferredStartIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "deferred-start");

    @Test
    void aServiceStillLoadingItsClassesPastTheDelayStartsFirstAndTheAgentAfter() throws Exception {
        // A framework's start outlasts the one-second delay: the agent's start in its middle (its
        // few hundred milliseconds of CPU) came out of the service's.
        int port = JvmProcess.freePort();
        Path dir = JvmProcess.freshDir(WORK.resolve("slow-start"));
        try (JvmProcess service = JvmProcess.app(dir, "exporter.port=" + port + ",journal.path=" + dir.resolve("j.db"),
                io.kube9.it.apps.SlowStartApp.class, "4000", Integer.toString(port))) {
            Awaitility.await("the agent's endpoint").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> Scrape.of(port).value("kube9_journal_up") == 1.0);
            String stdout = service.stdout();
            assertThat(stdout).as("the service's start was done when the agent's came")
                    .contains("the agent's endpoint up then: false");
            assertThat(Integer.parseInt(stdout.replaceAll("(?s).*started after loading (\\d+) classes.*", "$1")))
                    .as("classes the service loaded for its start").isGreaterThan(1000);
            service.closeStdin();
            assertThat(service.awaitExit(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void theFirstCallOfASiteStartsEverythingWithoutWaitingForTheDelayAndIsCounted() throws Exception {
        int port = JvmProcess.freePort();
        Path dir = JvmProcess.freshDir(WORK.resolve("first-event"));
        Path journal = dir.resolve("journal.db");
        try (JvmProcess service = JvmProcess.sample(dir,
                "start.defer=1h,exporter.port=" + port + ",journal.path=" + journal,
                "--load", "300", "--rate", "300", "--seed", "5", "--hold")) {
            SampleCounts truth = service.awaitSummary(Duration.ofSeconds(60));

            Awaitility.await("journal and endpoint open, an hour early").atMost(Duration.ofSeconds(30))
                    .until(() -> service.stderr().contains("[kube9-agent] journal ")
                            && service.stderr().contains("/metrics"));
            Awaitility.await("queue drained").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Scrape.of(port).value("kube9_events_queue_size") == 0
                            && Scrape.of(port).value("kube9_journal_up") == 1.0);
            Scrape scrape = Scrape.of(port);
            double captured = truth.sum("stored_events") + truth.sum("recorded_events");
            assertThat(captured).isPositive();
            assertThat(scrape.value("kube9_database_operations_total{operation=\"insert\"}")).isEqualTo(captured);
            assertThat(scrape.value("kube9_events_dropped_total")).isZero();
            service.terminate(Duration.ofSeconds(30));
        }
        assertThat(Journal.single(journal, "SELECT count(*) FROM events")).isNotEqualTo("0");
    }

    @Test
    void anAttachWhileTheStartIsDeferredIsRefusedAndTheFirstAgentStillCounts() throws Exception {
        int port = JvmProcess.freePort();
        Path dir = JvmProcess.freshDir(WORK.resolve("attach-while-deferred"));
        Path journal = dir.resolve("journal.db");
        try (JvmProcess service = JvmProcess.sample(dir,
                "start.defer=1h,exporter.port=" + port + ",journal.path=" + journal,
                "--load", "200", "--rate", "100", "--seed", "9", "--hold")) {
            Awaitility.await("service up").atMost(Duration.ofSeconds(30))
                    .until(() -> service.stdout().contains("listening on port"));
            AttachIT.Cli attach = AttachIT.cli(dir, "attach", String.valueOf(service.pid()),
                    "exporter.port=0,journal.path=" + dir.resolve("second.db"));
            System.out.println("deferred start: attach said " + attach.output.trim());
            assertThat(attach.exitCode).as(attach.output).isNotZero();
            // The load's first calls may have woken the start already: starting or running, nothing is loaded.
            assertThat(attach.output).as("refused by the command: nothing loaded")
                    .matches("kube9: not attached: the kube9 agent (is already starting|already runs) in JVM "
                            + service.pid() + "(?s).*these would not be used: .*");

            SampleCounts truth = service.awaitSummary(Duration.ofSeconds(60));
            Awaitility.await("queue drained").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Scrape.of(port).value("kube9_events_queue_size") == 0);
            double captured = truth.sum("stored_events") + truth.sum("recorded_events");
            assertThat(Scrape.of(port).value("kube9_database_operations_total{operation=\"insert\"}"))
                    .as("every event once, by the first agent").isEqualTo(captured);
            assertThat(Files.exists(dir.resolve("second.db"))).isFalse();
            service.terminate(Duration.ofSeconds(30));
        }
    }

    @Test
    void withoutEventsTheyOpenAfterTheDelayAndAJvmThatExitsEarlierNeverOpensThem() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("no-events"));
        try (JvmProcess service = JvmProcess.sample(dir,
                "start.defer=1s,exporter.port=0,journal.path=" + dir.resolve("journal.db"))) {
            Awaitility.await("journal and endpoint open after the delay").atMost(Duration.ofSeconds(30))
                    .until(() -> service.stderr().contains("[kube9-agent] journal ")
                            && service.stderr().contains("/metrics"));
            service.terminate(Duration.ofSeconds(30));
        }

        Path early = JvmProcess.freshDir(WORK.resolve("exits-early"));
        Path journal = early.resolve("journal.db");
        try (JvmProcess service = JvmProcess.sample(early,
                "start.defer=1h,exporter.port=0,journal.path=" + journal)) {
            Awaitility.await("service up").atMost(Duration.ofSeconds(30))
                    .until(() -> service.stdout().contains("listening on port"));
            long before = System.nanoTime();
            service.terminate(Duration.ofSeconds(30));
            Duration stopping = Duration.ofNanos(System.nanoTime() - before);
            System.out.println("deferred start: a JVM exiting before it stopped in " + stopping.toMillis() + " ms");
            assertThat(service.stderr()).as("nothing started, nothing to say").doesNotContain("[kube9-agent]");
        }
        assertThat(Files.exists(journal)).as("no site was called: nothing to journal").isFalse();
    }

    @Test
    void aJvmWhoseMainReturnsAtOnceNeverStartsTheAgent() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("returns-at-once"));
        int port = JvmProcess.freePort();
        try (JvmProcess app = JvmProcess.app(dir, "exporter.port=" + port + ",journal.path=" + dir.resolve("j.db"),
                ReturnsAtOnceApp.class)) {
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(app.stdout()).isEqualTo("done" + System.lineSeparator());
            assertThat(app.stderr()).isEmpty();
        }
        assertThat(filesIn(dir)).containsOnly("stdout.txt", "stderr.txt");
    }

    @Test
    void javaVersionWithTheAgentInJavaToolOptionsCreatesNoJournalAndSaysNothingOfIt() throws Exception {
        // A few times over: the JVM's exit races the agent's start-up thread.
        for (int run = 1; run <= 3; run++) {
            Path dir = JvmProcess.freshDir(WORK.resolve("java-version-" + run));
            int port = JvmProcess.freePort();
            int exitCode = JvmProcess.runWithAgentInToolOptions(dir, port, List.of(JvmProcess.JAVA, "-version"));
            String err = Files.readString(dir.resolve("err.txt"));
            assertThat(exitCode).as(err).isZero();
            assertThat(err).contains("Picked up JAVA_TOOL_OPTIONS").contains("version").doesNotContain("[kube9-agent]");
            assertThat(filesIn(dir)).as("no kube9-events.db in the working directory").containsOnly("out.txt", "err.txt");
        }
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).collect(Collectors.toList());
        }
    }
}
