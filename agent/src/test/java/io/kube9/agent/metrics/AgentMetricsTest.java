package io.kube9.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {
    @Test
    void everyLabelPairCountsWhetherOrNotItHasAPlaceInTheTableBeforeTheMaps() {
        AgentMetrics metrics = new AgentMetrics(1000);
        // 600 types x 2 severities: more pairs than the table's 256 places, so most collide
        for (int round = 0; round < 3; round++) {
            for (int type = 0; type < 600; type++) {
                metrics.eventRecorded("type-" + type, type % 2 == 0 ? "info" : new String("warn")); // equal, not identical
                metrics.eventRecorded("type-" + type, "error");
                metrics.eventStored("type-" + type, 10);
            }
        }

        for (int type = 0; type < 600; type += 37) {
            String severity = type % 2 == 0 ? "info" : "warn";
            assertThat(Scraped.count(metrics, "kube9_events_total", "event_type", "type-" + type, "severity", severity))
                    .isEqualTo(3);
            assertThat(Scraped.count(metrics, "kube9_events_total", "event_type", "type-" + type, "severity", "error"))
                    .isEqualTo(3);
            assertThat(Scraped.count(metrics, "events_stored_total", "event_type", "type-" + type)).isEqualTo(3);
        }
        assertThat(Scraped.sum(metrics, "kube9_events_total")).isEqualTo(3 * 1200);
        assertThat(Scraped.sum(metrics, "events_stored_bytes_total")).isEqualTo(3 * 600 * 10);
    }

    @Test
    void typesThatWouldBeWrittenAlikeAreOneSeries() throws Exception {
        AgentMetrics metrics = new AgentMetrics(1000);
        String x127 = "x".repeat(127);
        // cut at 128 characters, the emoji kept half of itself; a lone half is written as '?'
        List<String> types = List.of(x127 + "\uD83D\uDE00", x127 + "?", "lone\uD800", "lone?", "fine\uD83D\uDE00");
        for (String type : types) {
            metrics.eventRecorded(type, "info");
            metrics.eventStored(type, 1);
        }

        for (boolean openMetrics : new boolean[] {false, true}) {
            List<String> series = Arrays.stream(Scraped.text(metrics.registry(), openMetrics).split("\n"))
                    .filter(line -> line.startsWith("kube9_events_total{") || line.startsWith("events_stored_total{"))
                    .map(line -> line.substring(0, line.lastIndexOf(' ')))
                    .collect(Collectors.toList());
            assertThat(series).as("each written once").doesNotHaveDuplicates().hasSize(2 * types.size());
            assertThat(series).anyMatch(line -> line.contains("event_type=\"lone\uFFFD\""))
                    .anyMatch(line -> line.contains("event_type=\"" + x127 + "\""))
                    .anyMatch(line -> line.contains("event_type=\"fine\uD83D\uDE00\""));
        }
    }
}
