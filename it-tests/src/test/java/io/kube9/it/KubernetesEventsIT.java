package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An operator whose recorder is handed the Event objects of the real Kubernetes clients
 * (fabric8's core/v1 and events.k8s.io/v1, the official client's CoreV1Event), compiled here
 * from {@code kubernetes-operator} against their jars: each is read by its own fields, with no
 * configuration, and a configured name still wins.
 */
class KubernetesEventsIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "kubernetes-events");
    private static final Path LIBS = Paths.get(System.getProperty("it.kubernetes.libs"));

    private static String classPath;

    @BeforeAll
    static void compileTheOperator() throws IOException {
        classPath = CompiledApp.compile("kubernetes-operator", LIBS, WORK.resolve("classes"), "11");
    }

    @Test
    void eventsOfBothClientsAreReadByTheirReasonTypeUidsAndTimes() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("conventions"));
        Path journal = dir.resolve("j.db");
        int port = JvmProcess.freePort();
        try (JvmProcess operator = run(dir, "exporter.port=" + port + ",journal.path=" + journal)) {
            Awaitility.await("the agent's endpoint").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Scrape.of(port).sum("kube9_events_total") == 8);
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.series("kube9_events_total")).containsOnly(
                    entry("{event_type=\"Scheduled\",severity=\"Normal\"}", 1.0),
                    entry("{event_type=\"Pulled\",severity=\"Normal\"}", 1.0),
                    entry("{event_type=\"BackOff\",severity=\"Warning\"}", 3.0),
                    entry("{event_type=\"FailedMount\",severity=\"Warning\"}", 1.0),
                    // handed the pod, the recorder built these: not counted as events of type Pod
                    entry("{event_type=\"Unhealthy\",severity=\"Warning\"}", 1.0),
                    entry("{event_type=\"Started\",severity=\"Normal\"}", 1.0));
            assertThat(scrape.value("kube9_accessor_errors_total")).isZero();
            operator.closeStdin();
            assertThat(operator.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(operator.stderr()).doesNotContain("[kube9-agent] WARNING", "Exception");
        }
        assertThat(Journal.rows(journal, "SELECT event_type || ' ' || severity || ' ' || event_id || ' ' || aggregate_id"
                + " || ' ' || occurred_at FROM events ORDER BY id")).containsExactly(
                "Scheduled Normal event-1 pod-1 " + millis("2026-11-24T10:00:00.250Z"),
                "Pulled Normal web-1.17b pod-1 " + millis("2026-11-24T10:00:01Z"), // no uid yet: its name
                "BackOff Warning event-3 pod-1 " + millis("2026-11-24T10:00:02Z"),
                "BackOff Warning event-3 pod-1 " + millis("2026-11-24T10:00:03Z"),
                "BackOff Warning event-3 pod-1 " + millis("2026-11-24T10:00:04Z"),
                "FailedMount Warning event-4 pod-2 " + millis("2026-11-24T10:00:05Z"),
                "Unhealthy Warning web-1.17e pod-1 " + millis("2026-11-24T10:00:06Z"),
                "Started Normal data-0.17f pod-2 " + millis("2026-11-24T10:00:07Z"));
    }

    @Test
    void aRecordersOwnConfiguredNamesWinAndTheOthersStayKubernetes() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("configured"));
        Path journal = dir.resolve("j.db");
        try (JvmProcess operator = run(dir, "exporter.enabled=false,journal.path=" + journal
                + ",recorder.accessor.event-type=type,recorder.accessor.aggregate-id=involvedObject.name;regarding.name")) {
            Awaitility.await("the operator").atMost(Duration.ofSeconds(60)).until(() -> operator.stdout().contains("DONE"));
            operator.closeStdin();
            assertThat(operator.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(Journal.countBy(journal, "SELECT event_type || ' ' || severity || ' ' || aggregate_id, count(*)"
                + " FROM events GROUP BY 1")).containsOnly(
                entry("Normal Normal web-1", 2L),
                entry("Warning Warning web-1", 4L),
                entry("Warning Warning data-0", 1L),
                entry("Normal Normal data-0", 1L));
    }

    private static JvmProcess run(Path dir, String agentArgs) throws IOException {
        return JvmProcess.start(dir, List.of("-javaagent:" + JvmProcess.AGENT_JAR + "=" + agentArgs, "-cp", classPath,
                "com.acme.operator.OperatorMain"), List.of(), Map.of());
    }

    private static long millis(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }
}
