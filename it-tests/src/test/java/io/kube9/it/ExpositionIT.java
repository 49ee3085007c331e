package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The agent's endpoint as Prometheus sees it: formats by content negotiation, checked by promtool. */
class ExpositionIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "exposition");

    @Test
    void servesTextOpenMetricsAndProtobufThatPromtoolAccepts() throws Exception {
        int port = JvmProcess.freePort();
        Path dir = JvmProcess.freshDir(WORK);
        try (JvmProcess service = JvmProcess.sample(dir,
                "exporter.port=" + port + ",journal.path=" + dir.resolve("j.db") + ",metrics.jvm=true",
                "--load", "500", "--seed", "3", "--hold")) {
            service.awaitSummary(Duration.ofSeconds(60));

            var text = Scrape.get(port, "/metrics", "text/plain");
            assertThat(text.statusCode()).isEqualTo(200);
            assertThat(text.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                    assertThat(type).startsWith("text/plain; version=0.0.4"));
            Path scraped = dir.resolve("scrape.txt");
            Files.writeString(scraped, text.body(), StandardCharsets.UTF_8);
            Process promtool = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectInput(scraped.toFile()).redirectErrorStream(true).start();
            String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(promtool.exitValue()).as("promtool check metrics said: %s", verdict).isZero();
            assertThat(text.body()).contains("# TYPE kube9_events_total counter",
                    "# TYPE event_processing_duration_seconds histogram", "# TYPE projection_lag_seconds gauge",
                    "jvm_memory_used_bytes");

            var openMetrics = Scrape.get(port, "/metrics", "application/openmetrics-text; version=1.0.0");
            assertThat(openMetrics.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                    assertThat(type).startsWith("application/openmetrics-text; version=1.0.0"));
            assertThat(openMetrics.body()).endsWith("# EOF\n").contains("events_stored_total{event_type=\"order.created\"}");

            var protobuf = Scrape.get(port, "/metrics",
                    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited");
            assertThat(protobuf.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                    assertThat(type).contains("application/vnd.google.protobuf").contains("encoding=delimited"));
            assertThat(protobuf.body()).contains("kube9_events_total");

            var healthy = Scrape.get(port, "/-/healthy", "*/*");
            assertThat(healthy.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shippedAlertAndRecordingRulesPassTheirPromtoolUnitTests() throws IOException, InterruptedException {
        Path tests = Paths.get(System.getProperty("user.dir")).resolve("../deploy/prometheus/tests").normalize();
        try (var files = Files.list(tests)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".yml")).sorted()::iterator) {
                Process promtool = new ProcessBuilder("promtool", "test", "rules", file.toString())
                        .redirectErrorStream(true).start();
                String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(promtool.exitValue()).as("promtool test rules %s:\n%s", file, output).isZero();
                System.out.println("promtool test rules " + file.getFileName() + ": " + output.trim());
            }
        }
    }
}
