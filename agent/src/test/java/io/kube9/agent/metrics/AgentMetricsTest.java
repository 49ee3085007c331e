package io.kube9.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

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
}
