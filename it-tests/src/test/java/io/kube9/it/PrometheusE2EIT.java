package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * SPEC section 8 end to end: a real Prometheus scrapes three sample services that run the real
 * agent, evaluates the shipped rules, and answers every query of the shipped dashboard.
 *
 * <p>One instance's revenue projection is slowed down (the sample's {@code --projection-delay-ms})
 * so that its lag grows past the alert threshold; it is stopped at the end to take an endpoint down.
 */
class PrometheusE2EIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "prometheus-e2e");
    /** Replaces the shipped rules' {@code for: 1m}/{@code 5m}, so alerts go pending, then firing, within the test. */
    private static final String SHORT_FOR = "5s";
    /**
     * 100 commands/s make about 110 stored events/s; a 12 ms pause per event caps the projection
     * dispatcher at about 80 events/s, so the slow instance's lag grows by about 0.4 s every second
     * of load (past 1 s within a few seconds) and it catches up a few seconds after its load ends.
     */
    private static final String[] STEADY_LOAD = {"--load", "2500", "--rate", "100", "--threads", "2", "--hold"};
    private static final String[] SLOW_PROJECTION_LOAD = {"--load", "2000", "--rate", "100", "--threads", "2", "--hold",
            "--projection-delay-ms", "12"};

    private final long startNanos = System.nanoTime();

    @Test
    void prometheusSeesEveryInstanceFiresTheAlertsAndAnswersEveryDashboardQuery() throws Exception {
        Path work = JvmProcess.freshDir(WORK);
        int[] ports = {JvmProcess.freePort(), JvmProcess.freePort(), JvmProcess.freePort()};
        String steadyA = target(ports[0]);
        String steadyB = target(ports[1]);
        String slow = target(ports[2]);
        Set<String> targets = new TreeSet<>(List.of(steadyA, steadyB, slow));

        Path prometheusDir = JvmProcess.freshDir(work.resolve("prometheus"));
        List<String> ruleFiles = PrometheusServer.copyRulesWithShortFor(prometheusDir, SHORT_FOR);

        try (JvmProcess serviceA = service(work, "steady-a", ports[0], "201", STEADY_LOAD);
                JvmProcess serviceB = service(work, "steady-b", ports[1], "202", STEADY_LOAD);
                JvmProcess slowService = service(work, "slow-projection", ports[2], "203", SLOW_PROJECTION_LOAD);
                PrometheusServer prometheus = PrometheusServer.start(prometheusDir,
                        config(ruleFiles, steadyA, steadyB, slow))) {
            log("prometheus started, rules %s with for: %s", ruleFiles, SHORT_FOR);

            Awaitility.await("all three targets up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> prometheus.valuesBy("instance", "up{job=\"kube9-agent\"} == 1").keySet(),
                            targets::equals);
            log("up == 1 for %s", targets);

            // While the load runs (no service has printed its summary yet), events flow on every instance.
            Map<String, Double> rates = Awaitility.await("rate(events_stored_total[1m]) > 0 on every instance")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> prometheus.valuesBy("instance",
                                    "sum by (instance) (rate(events_stored_total{job=\"kube9-agent\"}[1m])) > 0"),
                            byInstance -> byInstance.keySet().equals(targets));
            for (JvmProcess service : List.of(serviceA, serviceB, slowService)) {
                assertThat(service.stdout()).as("load still running in %s", service.dir()).doesNotContain("=== end ===");
            }
            log("during load, sum by (instance) (rate(events_stored_total[1m])) = %s", rates);

            Awaitility.await("Kube9ProjectionLagHigh firing for " + slow).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> "firing".equals(prometheus.alertState("Kube9ProjectionLagHigh", slow)));
            log("Kube9ProjectionLagHigh firing for %s; projection_lag_seconds there: %s", slow,
                    prometheus.valuesBy("projection", "projection_lag_seconds{instance=\"" + slow + "\"}"));

            List<SampleCounts> truths = new ArrayList<>();
            for (JvmProcess service : List.of(serviceA, serviceB, slowService)) {
                truths.add(service.awaitSummary(Duration.ofSeconds(120)));
            }
            log("all three loads finished and their projections caught up");

            Map<String, Double> expectedStored = byLabel(truths, "stored_events", "event_type");
            Map<String, Double> stored = Awaitility.await("Prometheus's totals equal the services' own counts")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> prometheus.valuesBy("event_type",
                            "sum by (event_type) (events_stored_total{job=\"kube9-agent\"})"), expectedStored::equals);
            log("sum by (event_type) (events_stored_total) = %s, the services' own counts added up", stored);
            assertThat(prometheus.valuesBy("projection", "sum by (projection) (projection_updates_total)"))
                    .isEqualTo(byLabel(truths, "projection_updates", "projection"));
            assertThat(prometheus.valuesBy("event_type", "sum by (event_type) (kube9_events_total)"))
                    .isEqualTo(byLabel(truths, "recorded_events", "event_type"));

            assertThat(prometheus.valuesBy("version", "count by (version) (kube9_agent_info)"))
                    .as("the dashboard's Instances and Agent versions panels").containsOnly(entry("0.1.0-SNAPSHOT", 3.0));
            assertEveryDashboardQueryReturnsData(prometheus);

            // Take one endpoint down: its lag series goes stale, so that alert resolves, and it is reported down.
            slowService.terminate(Duration.ofSeconds(30));
            log("stopped %s", slow);
            Awaitility.await("Kube9AgentDown firing for " + slow + ", its lag alert resolved")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> prometheus.valuesBy("instance", "up{job=\"kube9-agent\"}").equals(
                                    Map.of(steadyA, 1.0, steadyB, 1.0, slow, 0.0))
                            && "firing".equals(prometheus.alertState("Kube9AgentDown", slow))
                            && prometheus.alertState("Kube9ProjectionLagHigh", slow) == null);
            log("up{instance=\"%s\"} == 0, Kube9AgentDown firing, Kube9ProjectionLagHigh resolved; active alerts: %s",
                    slow, alertSummary(prometheus.alerts()));
        }
    }

    /** Every {@code targets[].expr} of the dashboard, with its variables as "All" would set them. */
    private void assertEveryDashboardQueryReturnsData(PrometheusServer prometheus) throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(
                PrometheusServer.DEPLOY.resolve("grafana/kube9-dashboard.json").toFile());
        List<String[]> queries = new ArrayList<>();
        collectQueries(dashboard.get("panels"), queries);
        assertThat(queries).as("queries in the dashboard").isNotEmpty();
        List<String> empty = new ArrayList<>();
        for (String[] panelAndExpr : queries) {
            String expr = panelAndExpr[1].replace("${instance}", ".*").replace("$instance", ".*")
                    .replace("${__rate_interval}", "1m").replace("$__rate_interval", "1m");
            assertThat(expr).as("no other dashboard variable").doesNotContain("$");
            JsonNode result = prometheus.query(expr);
            log("dashboard panel \"%s\": %s -> %d series", panelAndExpr[0], expr, result.size());
            if (result.isEmpty()) {
                empty.add(panelAndExpr[0] + ": " + expr);
            }
        }
        assertThat(empty).as("dashboard queries that returned no data").isEmpty();
        log("all %d dashboard queries returned data", queries.size());
    }

    private static void collectQueries(JsonNode panels, List<String[]> queries) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    queries.add(new String[] {panel.path("title").asText(), target.get("expr").asText()});
                }
            }
            // a collapsed row keeps its panels inside it
            if (panel.has("panels")) {
                collectQueries(panel.get("panels"), queries);
            }
        }
    }

    private static JvmProcess service(Path work, String name, int port, String seed, String... load) throws Exception {
        Path dir = JvmProcess.freshDir(work.resolve(name));
        List<String> args = new ArrayList<>(List.of(load));
        args.addAll(List.of("--seed", seed));
        return JvmProcess.sample(dir, "exporter.port=" + port + ",exporter.host=127.0.0.1,journal.path="
                + dir.resolve("kube9-events.db") + ",store.path=" + dir.resolve("orders.db"), args.toArray(String[]::new));
    }

    private static String config(List<String> ruleFiles, String... targets) {
        StringBuilder config = new StringBuilder()
                .append("global:\n")
                .append("  scrape_interval: 1s\n")
                .append("  scrape_timeout: 1s\n")
                .append("  evaluation_interval: 1s\n")
                .append("rule_files:\n");
        ruleFiles.forEach(file -> config.append("  - ").append(file).append('\n'));
        config.append("scrape_configs:\n")
                .append("  - job_name: kube9-agent\n")
                .append("    static_configs:\n")
                .append("      - targets:\n");
        for (String target : targets) {
            config.append("          - ").append(target).append('\n');
        }
        return config.toString();
    }

    /** The services' own counts of one summary line, added up over the services, per value of one label. */
    private static Map<String, Double> byLabel(List<SampleCounts> truths, String line, String label) {
        Map<String, Double> totals = new TreeMap<>();
        Pattern labelValue = Pattern.compile(label + "=\"([^\"]*)\"");
        for (SampleCounts truth : truths) {
            truth.series(line).forEach((labels, count) -> {
                Matcher matcher = labelValue.matcher(labels);
                assertThat(matcher.find()).as("%s in %s%s", label, line, labels).isTrue();
                totals.merge(matcher.group(1), count, Double::sum);
            });
        }
        return totals;
    }

    private static List<String> alertSummary(JsonNode alerts) {
        List<String> summary = new ArrayList<>();
        for (JsonNode alert : alerts) {
            summary.add(alert.get("labels").path("alertname").asText() + "{" + alert.get("labels").path("instance").asText()
                    + "}=" + alert.get("state").asText());
        }
        return summary;
    }

    private static String target(int port) {
        return "127.0.0.1:" + port;
    }

    private void log(String format, Object... args) {
        System.out.printf("prometheus-e2e [%5.1fs] %s%n", (System.nanoTime() - startNanos) / 1e9,
                String.format(format, args));
    }
}
