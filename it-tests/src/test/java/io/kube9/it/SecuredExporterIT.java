package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The exporter with basic auth and TLS (the {@code kube9.exporter.basic-auth.*} and
 * {@code kube9.exporter.tls.*} keys), on the real sample service: curl-like clients, a real
 * Prometheus scraping with {@code basic_auth} and {@code tls_config}, and settings that cannot
 * be used, which must keep the endpoint closed rather than open it unprotected.
 */
class SecuredExporterIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "secured-exporter");
    private static final String USER = "prometheus";
    private static final String PASSWORD = "correct-horse-battery";

    @Test
    void pemCertificateAndHashedPasswordAndAPrometheusThatScrapesWithThem() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("pem"));
        SelfSignedCertificates.openssl(dir);
        String passwordSha256 = sha256sum(PASSWORD);
        int port = JvmProcess.freePort();
        try (JvmProcess service = JvmProcess.sample(dir, "exporter.port=" + port + ",exporter.host=127.0.0.1"
                        + ",journal.path=" + dir.resolve("kube9-events.db")
                        + ",exporter.tls.cert=" + dir.resolve("cert.pem") + ",exporter.tls.key=" + dir.resolve("key.pem")
                        + ",exporter.basic-auth.username=" + USER + ",exporter.basic-auth.password-sha256=" + passwordSha256,
                "--load", "600", "--rate", "100", "--seed", "31", "--hold")) {
            Awaitility.await("the exporter's start line").atMost(Duration.ofSeconds(30))
                    .until(() -> service.stderr().contains("metrics on https://127.0.0.1:" + port + "/metrics (TLS, basic auth)"));

            HttpClient https = trusting(dir.resolve("cert.pem"));
            String metrics = "https://127.0.0.1:" + port + "/metrics";
            assertThat(get(https, metrics, null).statusCode()).as("no credentials").isEqualTo(401);
            assertThat(get(https, metrics, USER + ":wrong").statusCode()).as("wrong password").isEqualTo(401);
            assertThat(get(https, metrics, "admin:" + PASSWORD).statusCode()).as("wrong user").isEqualTo(401);
            assertThat(get(https, "https://127.0.0.1:" + port + "/-/healthy", null).statusCode()).isEqualTo(401);
            assertThat(get(https, "https://127.0.0.1:" + port + "/", null).statusCode()).as("status page").isEqualTo(401);
            HttpResponse<String> authorized = get(https, metrics, USER + ":" + PASSWORD);
            assertThat(authorized.statusCode()).isEqualTo(200);
            assertThat(authorized.body()).contains("kube9_agent_info{version=");

            // Plain HTTP to the TLS port: the server closes the connection (the client's error is not a
            // timeout: nothing hangs, no data is sent); the service and the endpoint carry on.
            assertThatThrownBy(() -> get(Scrape.HTTP, "http://127.0.0.1:" + port + "/metrics", USER + ":" + PASSWORD))
                    .isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class)
                    .satisfies(error -> System.out.println("secured exporter: plain HTTP to the TLS port: " + error));
            assertThat(get(https, metrics, USER + ":" + PASSWORD).statusCode()).isEqualTo(200);

            Files.writeString(dir.resolve("password"), PASSWORD);
            Files.writeString(dir.resolve("wrong-password"), "not-" + PASSWORD);
            String target = "127.0.0.1:" + port;
            try (PrometheusServer prometheus = PrometheusServer.start(JvmProcess.freshDir(dir.resolve("prometheus")),
                    "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                            + "scrape_configs:\n"
                            + securedJob("kube9-agent", target, dir.resolve("password"), dir.resolve("cert.pem"))
                            + securedJob("kube9-agent-wrong-password", target, dir.resolve("wrong-password"),
                                    dir.resolve("cert.pem")))) {
                Awaitility.await("Prometheus scrapes over TLS with basic auth").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> prometheus.valuesBy("job", "up"),
                                up -> up.equals(Map.of("kube9-agent", 1.0, "kube9-agent-wrong-password", 0.0)));
                String wrongPasswordError = null;
                for (JsonNode scrapeTarget : prometheus.activeTargets()) {
                    if (scrapeTarget.get("labels").path("job").asText().equals("kube9-agent-wrong-password")) {
                        wrongPasswordError = scrapeTarget.path("lastError").asText();
                    }
                }
                assertThat(wrongPasswordError).contains("401");

                SampleCounts truth = service.awaitSummary(Duration.ofSeconds(60));
                Map<String, Double> expected = new TreeMap<>();
                truth.series("stored_events").forEach((labels, count) ->
                        expected.put(labels.replaceAll("\\{event_type=\"(.*)\"}", "$1"), count));
                Map<String, Double> scraped = Awaitility.await("Prometheus's totals equal the service's counts")
                        .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> prometheus.valuesBy("event_type", "events_stored_total{job=\"kube9-agent\"}"),
                                expected::equals);
                System.out.printf("secured exporter: Prometheus scraped %s over TLS with basic auth; wrong password: %s%n",
                        scraped, wrongPasswordError);
            }
            assertThat(service.stderr()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void pkcs12KeystoreAndClearTextPassword() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("pkcs12"));
        SelfSignedCertificates.keytool(dir, "store-secret");
        int port = JvmProcess.freePort();
        try (JvmProcess service = JvmProcess.sample(dir, "exporter.port=" + port + ",exporter.host=127.0.0.1"
                        + ",journal.path=" + dir.resolve("kube9-events.db")
                        + ",exporter.tls.keystore=" + dir.resolve("server.p12") + ",exporter.tls.keystore-password=store-secret"
                        + ",exporter.basic-auth.username=" + USER + ",exporter.basic-auth.password=" + PASSWORD,
                "--load", "200", "--seed", "32", "--hold")) {
            SampleCounts truth = service.awaitSummary(Duration.ofSeconds(60));
            // the exporter starts on the agent's start-up thread, maybe after the load is done
            Awaitility.await("the exporter's start line").atMost(Duration.ofSeconds(30))
                    .until(() -> service.stderr().contains("metrics on https://127.0.0.1:" + port + "/metrics"));
            HttpClient https = trusting(dir.resolve("cert.pem"));
            String metrics = "https://127.0.0.1:" + port + "/metrics";
            assertThat(get(https, metrics, null).statusCode()).isEqualTo(401);
            HttpResponse<String> authorized = get(https, metrics, USER + ":" + PASSWORD);
            assertThat(authorized.statusCode()).isEqualTo(200);
            assertThat(authorized.body()).contains("events_stored_total{event_type=\"order.created\"} "
                    + truth.value("stored_events{event_type=\"order.created\"}"));
        }
    }

    @Test
    void unusableSettingsKeepTheEndpointClosedAndTheServiceRunning() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("unusable"));
        SelfSignedCertificates.openssl(dir);
        String[][] namesSettingsAndLines = {
            // a key but no certificate: TLS was asked for, so no plain HTTP instead
            {"key-without-certificate", "exporter.tls.key=" + dir.resolve("key.pem"),
                "metrics endpoint not started: kube9.exporter.tls.cert: required with kube9.exporter.tls.key;"
                        + " capture and journal continue"},
            // a user but a password hash that is not one: no open endpoint instead
            {"not-a-hash", "exporter.basic-auth.username=" + USER + ",exporter.basic-auth.password-sha256=" + PASSWORD,
                "metrics endpoint not started: kube9.exporter.basic-auth.password-sha256: expected 64 hexadecimal digits"},
        };
        for (String[] setting : namesSettingsAndLines) {
            Path run = JvmProcess.freshDir(dir.resolve(setting[0]));
            int port = JvmProcess.freePort();
            try (JvmProcess service = JvmProcess.sample(run, "exporter.port=" + port + ",exporter.host=127.0.0.1,journal.path="
                    + run.resolve("kube9-events.db") + "," + setting[1], "--load", "300", "--seed", "33", "--hold")) {
                SampleCounts truth = service.awaitSummary(Duration.ofSeconds(60));
                // The endpoint starts (or says why not) at the agent's deferred start, which can come after a
                // short load's summary.
                Awaitility.await("the agent's word on the endpoint").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100)).until(() -> service.stderr().contains(setting[2]));
                String[] agentLines = service.stderr().lines().filter(line -> line.startsWith("[kube9-agent]"))
                        .toArray(String[]::new);
                assertThat(agentLines).as("the agent's lines").anySatisfy(line -> assertThat(line).contains(setting[2]))
                        .noneSatisfy(line -> assertThat(line).contains("metrics on"));
                assertThat(service.stderr()).doesNotContain(PASSWORD);
                assertThatThrownBy(() -> get(Scrape.HTTP, "http://127.0.0.1:" + port + "/metrics", null))
                        .isInstanceOf(ConnectException.class);
                // Capture and journal are unaffected: after SIGTERM drains the queue, every event the service
                // counted is journaled.
                service.terminate(Duration.ofSeconds(30));
                assertThat(Journal.single(run.resolve("kube9-events.db"), "SELECT count(*) FROM events"))
                        .isEqualTo(String.valueOf((long) (truth.sum("stored_events") + truth.sum("recorded_events"))));
            }
        }
    }

    private static String securedJob(String job, String target, Path passwordFile, Path caFile) {
        return "  - job_name: " + job + "\n"
                + "    scheme: https\n"
                + "    basic_auth:\n"
                + "      username: " + USER + "\n"
                + "      password_file: " + passwordFile + "\n"
                + "    tls_config:\n"
                + "      ca_file: " + caFile + "\n"
                + "    static_configs:\n"
                + "      - targets: [\"" + target + "\"]\n";
    }

    /** The hash the way README tells an operator to make it. */
    private static String sha256sum(String password) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "printf %s \"$PASSWORD\" | sha256sum")
                .redirectErrorStream(true);
        builder.environment().put("PASSWORD", password);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(output).matches("[0-9a-f]{64}  -\\s*");
        return output.substring(0, 64);
    }

    /**
     * An HTTPS client that trusts the test's certificate only. Its timeouts allow for a shared,
     * busy machine: a JVM's first TLS handshake loads and initialises a lot of JSSE.
     */
    private static HttpClient trusting(Path certPem) throws Exception {
        return HttpClient.newBuilder().sslContext(SelfSignedCertificates.trusting(certPem))
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    private static HttpResponse<String> get(HttpClient client, String url, String credentials)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (credentials != null) {
            request.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
