package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@code java -jar kube9-agent.jar attach PID}: a running service gets the agent, once. */
class AttachIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "attach");

    @Test
    void attachingToARunningServiceCountsExactlyFromThenOnAndOnlyOnce() throws Exception {
        Path dir = JvmProcess.freshDir(WORK);
        int port = JvmProcess.freePort();
        Path journal = dir.resolve("attached.db");
        try (JvmProcess service = JvmProcess.sample(dir, null, "--hold")) {
            Awaitility.await("service up").atMost(Duration.ofSeconds(60))
                    .until(() -> service.stdout().contains("listening on port"));
            int http = servicePort(service.stdout());
            // Traffic before the attach: classes are loaded, and these events are not ours to count.
            post(http, "/orders", "{\"customer\":\"early\"}");
            post(http, "/ops-events", "{\"type\":\"health\",\"severity\":\"info\",\"message\":\"before\"}");

            String args = "exporter.port=" + port + ",exporter.host=127.0.0.1,journal.path=" + journal;
            Cli first = cli(dir, "attach", String.valueOf(service.pid()), args);
            assertThat(first.exitCode).as(first.output).isZero();
            Awaitility.await("exporter up").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> Scrape.of(port).value("kube9_instrumented_methods") > 0);

            for (int i = 0; i < 25; i++) {
                post(http, "/ops-events", "{\"type\":\"cluster\",\"severity\":\"warning\",\"message\":\"m" + i + "\"}");
            }
            for (int i = 0; i < 10; i++) {
                post(http, "/orders", "{\"customer\":\"c" + i + "\",\"sku\":\"SKU-1\",\"quantity\":1,\"unitPrice\":100}");
            }
            Awaitility.await("counted").atMost(Duration.ofSeconds(30)).until(() ->
                    Scrape.of(port).sum("projection_updates_total") >= 40);
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.series("kube9_events_total")).containsOnly(entry("{event_type=\"cluster\",severity=\"warning\"}", 25.0));
            assertThat(scrape.series("events_stored_total")).containsOnly(
                    entry("{event_type=\"order.created\"}", 10.0), entry("{event_type=\"order.item_added\"}", 10.0));
            assertThat(scrape.series("projection_updates_total")).containsOnly(
                    entry("{projection=\"OrderSummaryProjection\"}", 20.0), entry("{projection=\"RevenueProjector\"}", 20.0));

            // A second attach finds the agent running and loads nothing: with arguments it fails,
            // naming them, without it says where the running agent's metrics and journal are.
            String again = "exporter.port=0,journal.path=" + dir.resolve("again.db");
            Cli second = cli(dir, "attach", String.valueOf(service.pid()), again);
            System.out.println("attach: second attach said: " + second.output.trim());
            assertThat(second.exitCode).as(second.output).isNotZero();
            assertThat(second.output.trim().lines()).as(second.output).hasSize(1);
            assertThat(second.output).startsWith("kube9: not attached: the kube9 agent already runs in JVM " + service.pid())
                    .contains("metrics on http://127.0.0.1:" + port + "/metrics", "journal " + journal,
                            "these would not be used: " + again);
            Cli third = cli(dir, "attach", String.valueOf(service.pid()));
            System.out.println("attach: third attach said: " + third.output.trim());
            assertThat(third.exitCode).as(third.output).isZero();
            assertThat(third.output).contains("the kube9 agent already runs in JVM " + service.pid(), "nothing loaded",
                    "metrics on http://127.0.0.1:" + port + "/metrics");
            Cli off = cli(dir, "attach", String.valueOf(service.pid()), "enabled=false");
            assertThat(off.exitCode).as(off.output).isNotZero();
            assertThat(off.output).contains("these would not be used: enabled=false");

            // Loaded by other means (jcmd; its parser takes the options whole only when quoted), the
            // jar is refused by the running agent, which says so.
            Path jcmd = Paths.get(JvmProcess.JAVA).resolveSibling("jcmd");
            Process load = new ProcessBuilder(jcmd.toString(), String.valueOf(service.pid()), "JVMTI.agent_load",
                    JvmProcess.AGENT_JAR.toString(), "\"" + again + "\"").redirectErrorStream(true).start();
            String loadOutput = new String(load.getInputStream().readAllBytes());
            assertThat(load.waitFor(60, TimeUnit.SECONDS)).as(loadOutput).isTrue();
            System.out.println("attach: jcmd JVMTI.agent_load said: " + loadOutput.trim());
            Awaitility.await("refused").atMost(Duration.ofSeconds(30))
                    .until(() -> service.stderr().contains("already running in this JVM; this attach is ignored"));
            Process loadOff = new ProcessBuilder(jcmd.toString(), String.valueOf(service.pid()), "JVMTI.agent_load",
                    JvmProcess.AGENT_JAR.toString(), "\"enabled=false\"").redirectErrorStream(true).start();
            String loadOffOutput = new String(loadOff.getInputStream().readAllBytes());
            assertThat(loadOff.waitFor(60, TimeUnit.SECONDS)).as(loadOffOutput).isTrue();
            Awaitility.await("refused").atMost(Duration.ofSeconds(30)).until(() -> service.stderr().contains(
                    "already running in this JVM; this attach with kube9.enabled=false is ignored"));
            assertThat(service.stderr()).doesNotContain("disabled by kube9.enabled=false");
            assertThat(service.stderr().lines().filter(line -> line.contains("this attach is ignored")))
                    .as("the settings it leaves unused, named").anySatisfy(line -> assertThat(line)
                            .contains("and so are its agent arguments").contains("kube9.exporter.port")
                            .contains("kube9.journal.path").contains("the running agent keeps its own settings"));

            post(http, "/ops-events", "{\"type\":\"cluster\",\"severity\":\"warning\",\"message\":\"after\"}");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    Scrape.of(port).value("kube9_events_total{event_type=\"cluster\",severity=\"warning\"}") == 26.0);
            assertThat(dir.resolve("again.db")).doesNotExist();

            Awaitility.await("journaled").atMost(Duration.ofSeconds(10)).until(() ->
                    Scrape.of(port).value("kube9_events_queue_size") == 0);
            service.terminate(Duration.ofSeconds(30));
        }
        assertThat(Journal.countBy(journal, "SELECT site, count(*) FROM events GROUP BY site"))
                .containsOnly(entry("recorder", 26L), entry("store", 20L));
    }

    @Test
    void attachingToAProcessThatDoesNotExistIsOneClearLine() throws Exception {
        Cli result = cli(JvmProcess.freshDir(WORK.resolve("missing")), "attach", "999999999");
        assertThat(result.exitCode).isNotZero();
        assertThat(result.output.trim().lines()).hasSize(1);
        assertThat(result.output).startsWith("kube9: ").doesNotContain("Exception");
    }

    private static int servicePort(String stdout) {
        Matcher matcher = Pattern.compile("listening on port (\\d+)").matcher(stdout);
        assertThat(matcher.find()).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private static void post(int port, String path, String body) throws Exception {
        HttpResponse<String> response = Scrape.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isBetween(200, 299);
    }

    static Cli cli(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(JvmProcess.JAVA, "-jar", JvmProcess.AGENT_JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Cli(process.exitValue(), output);
    }

    static final class Cli {
        final int exitCode;
        final String output;

        Cli(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
