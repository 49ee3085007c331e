package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The status page at {@code /} on the agent's port, rendered by a real (headless) browser while
 * the sample service is under load and once it is idle: every figure it shows must agree with a
 * scrape of {@code /metrics} taken at the same moment.
 */
class StatusPageIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "status-page");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Everything the page shows, read from the ids and data-* attributes it renders. */
    private static final String FIGURES = "JSON.stringify({"
            + "polls: Number(document.body.dataset.polls),"
            + "status: document.getElementById('status').textContent,"
            + "values: Object.fromEntries([...document.querySelectorAll('[id][data-value]')].map(e => [e.id, e.dataset.value])),"
            + "texts: Object.fromEntries([...document.querySelectorAll('[id][data-value]')].map(e => [e.id, e.textContent])),"
            + "projections: [...document.querySelectorAll('#projections tr')].map(row => ({...row.dataset})),"
            + "eventTypes: [...document.querySelectorAll('#event-types tr')].map(row => ({...row.dataset}))})";

    @Test
    void thePageShowsWhatTheMetricsSay() throws Exception {
        Path dir = JvmProcess.freshDir(WORK);
        int port = JvmProcess.freePort();
        String page = "http://127.0.0.1:" + port + "/";
        try (JvmProcess service = JvmProcess.sample(dir, "exporter.port=" + port + ",exporter.host=127.0.0.1,journal.path="
                        + dir.resolve("kube9-events.db"),
                "--load", "4000", "--rate", "150", "--threads", "2", "--seed", "41", "--hold");
                HeadlessChromium chromium = HeadlessChromium.start(dir, 1200, 800)) {
            Awaitility.await("the agent's endpoint").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Scrape.get(port, "/", "text/html").statusCode() == 200);
            HttpResponse<String> html = Scrape.get(port, "/", "text/html");
            assertThat(html.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(html.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
                    assertThat(policy).startsWith("default-src 'none'"));
            assertThat(html.body()).as("self-contained: nothing loaded from elsewhere")
                    .doesNotContainPattern("(src|href)=\"(https?:)?//").contains("fetch(\"metrics\"");
            assertThat(Scrape.get(port, "/no-such-page", "*/*").statusCode()).isEqualTo(404);

            chromium.navigate(page);

            // Under load: after a few polls the page shows live rates, in line with the scrapes'.
            awaitPolls(chromium, 3);
            Scrape first = Scrape.of(port);
            long firstNanos = System.nanoTime();
            awaitPolls(chromium, figures(chromium).get("polls").asInt() + 2);
            Scrape second = Scrape.of(port);
            double scrapedRate = (second.sum("events_stored_total") - first.sum("events_stored_total"))
                    / ((System.nanoTime() - firstNanos) / 1e9);
            JsonNode live = figures(chromium);
            assertThat(service.stdout()).as("load still running").doesNotContain("=== end ===");
            double pageRate = live.get("values").get("stored-rate").asDouble();
            System.out.printf("status page under load: stored %.1f/s on the page, %.1f/s between two scrapes;"
                    + " page figures %s%n", pageRate, scrapedRate, live.get("texts"));
            assertThat(pageRate).as("events stored per second, page vs scrapes")
                    .isBetween(scrapedRate / 3, scrapedRate * 3);
            assertThat(live.get("status").asText()).isEqualTo("live");
            Path screenshot = Files.write(dir.resolve("status-page.png"), chromium.screenshot());
            System.out.println("status page screenshot: " + screenshot + " (" + Files.size(screenshot) + " bytes)");

            // Idle: once the load is over and the queue drained, two more polls, then page and scrape agree exactly.
            SampleCounts truth = service.awaitSummary(Duration.ofSeconds(120));
            Awaitility.await("queue drained").atMost(Duration.ofSeconds(30))
                    .until(() -> Scrape.of(port).value("kube9_events_queue_size") == 0);
            awaitPolls(chromium, figures(chromium).get("polls").asInt() + 2);
            JsonNode idle = figures(chromium);
            Scrape scrape = Scrape.of(port);
            JsonNode values = idle.get("values");
            JsonNode texts = idle.get("texts");
            System.out.printf("status page idle: %s%n", texts);

            assertThat(values.get("queue-capacity").asDouble()).isEqualTo(scrape.value("kube9_events_queue_capacity"));
            assertThat(texts.get("queue-capacity").asText()).isEqualTo("262,144");
            assertThat(values.get("queue-size").asDouble()).isZero();
            assertThat(values.get("dropped-total").asDouble()).isEqualTo(scrape.value("kube9_events_dropped_total")).isZero();
            assertThat(values.get("stored-total").asDouble()).isEqualTo(scrape.sum("events_stored_total"))
                    .isEqualTo(truth.sum("stored_events"));
            assertThat(values.get("recorded-total").asDouble()).isEqualTo(scrape.sum("kube9_events_total"))
                    .isEqualTo(truth.sum("recorded_events"));
            assertThat(values.get("stored-rate").asDouble()).as("nothing stored since the last poll").isZero();
            assertThat(values.get("journal-rows").asDouble()).isEqualTo(scrape.value("kube9_journal_rows"));
            double journalBytes = scrape.value("kube9_events_storage_size_bytes");
            assertThat(values.get("journal-size").asDouble()).as("journal size, same order of magnitude")
                    .isBetween(journalBytes / 2, journalBytes * 2);
            assertThat(texts.get("journal-size").asText()).matches("[0-9.]+ (KiB|MiB)");

            Map<String, Double> lags = new TreeMap<>();
            Map<String, Double> updates = new TreeMap<>();
            Map<String, Double> errors = new TreeMap<>();
            for (JsonNode row : idle.get("projections")) {
                String labels = "{projection=\"" + row.get("projection").asText() + "\"}";
                lags.put(labels, row.get("lag").asDouble());
                updates.put(labels, row.get("updates").asDouble());
                errors.put(labels, row.get("errors").asDouble());
            }
            assertThat(lags).isEqualTo(scrape.series("projection_lag_seconds")).hasSize(2);
            assertThat(updates).isEqualTo(scrape.series("projection_updates_total"));
            assertThat(errors).isEqualTo(scrape.series("projection_errors_total"));

            Map<String, Double> storedByType = new TreeMap<>();
            for (JsonNode row : idle.get("eventTypes")) {
                if (row.get("stored").asDouble() > 0) {
                    storedByType.put("{event_type=\"" + row.get("eventType").asText() + "\"}", row.get("stored").asDouble());
                }
            }
            assertThat(storedByType).isEqualTo(scrape.series("events_stored_total"));
            Map<String, Double> recordedByTypeAndSeverity = new TreeMap<>();
            for (JsonNode row : idle.get("eventTypes")) {
                JsonNode severities = JSON.readTree(row.get("severities").asText());
                severities.fields().forEachRemaining(severity -> recordedByTypeAndSeverity.put("{event_type=\""
                        + row.get("eventType").asText() + "\",severity=\"" + severity.getKey() + "\"}",
                        severity.getValue().asDouble()));
            }
            assertThat(recordedByTypeAndSeverity).as("recorded by type and severity")
                    .isEqualTo(scrape.series("kube9_events_total")).isNotEmpty();
        }
    }

    private static JsonNode figures(HeadlessChromium chromium) throws Exception {
        return JSON.readTree(chromium.evaluate(FIGURES).asText());
    }

    private static void awaitPolls(HeadlessChromium chromium, int polls) {
        Awaitility.await("the page's poll number " + polls).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> figures(chromium).get("polls").asInt() >= polls);
    }
}
