package io.kube9.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A real Prometheus (the {@code prometheus} binary on the PATH) in a process of its own, with a
 * configuration the test writes, asked questions over its HTTP API as Grafana would.
 */
final class PrometheusServer implements AutoCloseable {
    /** The repository's deploy/ directory: the rules and the dashboard under test. */
    static final Path DEPLOY = Paths.get(System.getProperty("user.dir")).resolve("../deploy").normalize();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FOR_CLAUSE = Pattern.compile("(?m)^(\\s+for:\\s*)\\S+\\s*$");

    private final Process process;
    private final int port;
    private final Path log;

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Copies the shipped rule files into {@code dir} with every {@code for:} replaced by
     * {@code shortFor}: the alerts wait a minute or more in production, too long for a test, and
     * the rest of each rule stays exactly as shipped. Returns the copies' file names.
     */
    static List<String> copyRulesWithShortFor(Path dir, String shortFor) throws IOException {
        List<String> names = new ArrayList<>();
        try (var files = Files.list(DEPLOY.resolve("prometheus"))) {
            for (Path rules : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".rules.yml")).sorted()::iterator) {
                Matcher forClauses = FOR_CLAUSE.matcher(Files.readString(rules, StandardCharsets.UTF_8));
                String shortened = forClauses.replaceAll("$1" + shortFor);
                Files.writeString(dir.resolve(rules.getFileName()), shortened, StandardCharsets.UTF_8);
                names.add(rules.getFileName().toString());
            }
        }
        return names;
    }

    /** Writes {@code config} as {@code dir/prometheus.yml}, starts Prometheus on it and waits until it is ready. */
    static PrometheusServer start(Path dir, String config) throws IOException {
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config, StandardCharsets.UTF_8);
        int port = JvmProcess.freePort();
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder("prometheus",
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, port, log);
        try {
            Awaitility.await("Prometheus ready on port " + port).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> !process.isAlive() || server.get("/-/ready").statusCode() == 200);
            if (!process.isAlive()) {
                throw new AssertionError("Prometheus exited with " + process.exitValue() + ":\n" + server.logTail());
            }
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The {@code data.result} of an instant query: one element per series. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).get("result");
    }

    /** An instant query's value per value of one label, e.g. {@code event_type -> count}. */
    Map<String, Double> valuesBy(String label, String promql) throws IOException, InterruptedException {
        Map<String, Double> values = new TreeMap<>();
        for (JsonNode series : query(promql)) {
            values.put(series.get("metric").path(label).asText(), value(series));
        }
        return values;
    }

    /** Active (pending or firing) alerts, as {@code /api/v1/alerts} lists them. */
    JsonNode alerts() throws IOException, InterruptedException {
        return api("/api/v1/alerts").get("alerts");
    }

    /** The scrape targets Prometheus knows, with their {@code health} and {@code lastError}. */
    JsonNode activeTargets() throws IOException, InterruptedException {
        return api("/api/v1/targets?state=active").get("activeTargets");
    }

    /** The state ({@code pending}, {@code firing}) of one alert for one instance, or null when inactive. */
    String alertState(String alertName, String instance) throws IOException, InterruptedException {
        for (JsonNode alert : alerts()) {
            JsonNode labels = alert.get("labels");
            if (alertName.equals(labels.path("alertname").asText()) && instance.equals(labels.path("instance").asText())) {
                return alert.get("state").asText();
            }
        }
        return null;
    }

    static double value(JsonNode series) {
        return Double.parseDouble(series.get("value").get(1).asText());
    }

    String logTail() {
        try {
            return JvmProcess.tail(Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "");
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = get(pathAndQuery);
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError("Prometheus " + pathAndQuery + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return body.get("data");
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build();
        return Scrape.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
