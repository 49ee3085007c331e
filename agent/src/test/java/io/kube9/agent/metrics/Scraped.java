package io.kube9.agent.metrics;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads data points back from an {@link AgentMetrics} registry, the way a scrape sees them. */
public final class Scraped {
    private Scraped() {}

    /**
     * The value of the data point of {@code name} with exactly these labels ({@code key, value, ...}):
     * a counter's or gauge's value, a histogram's count; null when there is no such data point.
     */
    public static Double value(AgentMetrics metrics, String name, String... labels) {
        Labels wanted = Labels.of(labels);
        for (DataPointSnapshot point : points(metrics, name)) {
            if (point.getLabels().equals(wanted)) {
                return valueOf(point);
            }
        }
        return null;
    }

    /** Like {@link #value} but 0 when absent, for counters. */
    public static double count(AgentMetrics metrics, String name, String... labels) {
        Double value = value(metrics, name, labels);
        return value == null ? 0 : value;
    }

    /** The sum over every data point of {@code name}. */
    public static double sum(AgentMetrics metrics, String name) {
        double sum = 0;
        for (DataPointSnapshot point : points(metrics, name)) {
            sum += valueOf(point);
        }
        return sum;
    }

    /** The values of one label across the data points of {@code name}. */
    public static List<String> labelValues(AgentMetrics metrics, String name, String label) {
        List<String> values = new ArrayList<>();
        for (DataPointSnapshot point : points(metrics, name)) {
            values.add(point.getLabels().get(label));
        }
        return values;
    }

    private static List<? extends DataPointSnapshot> points(AgentMetrics metrics, String name) {
        // client_java keeps a counter's name without the _total suffix the exposition adds
        String bare = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        for (MetricSnapshot snapshot : metrics.registry().scrape()) {
            String snapshotName = snapshot.getMetadata().getName();
            if (snapshotName.equals(name) || snapshotName.equals(bare)) {
                return snapshot.getDataPoints();
            }
        }
        return List.of();
    }

    /** A scrape of {@code registry} in the Prometheus text format, or in OpenMetrics. */
    public static String text(PrometheusRegistry registry, boolean openMetrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (openMetrics) {
            OpenMetricsTextFormatWriter.create().write(out, registry.scrape());
        } else {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@code text} without the {@code <name>_created} lines: creation times differ by when each series was made. */
    public static String withoutCreated(String text, String name) {
        return text.replaceAll("(?m)^" + name + "_created\\{[^}]*\\} [0-9.e+E]+\n", "");
    }

    private static double valueOf(DataPointSnapshot point) {
        if (point instanceof CounterSnapshot.CounterDataPointSnapshot) {
            return ((CounterSnapshot.CounterDataPointSnapshot) point).getValue();
        }
        if (point instanceof GaugeSnapshot.GaugeDataPointSnapshot) {
            return ((GaugeSnapshot.GaugeDataPointSnapshot) point).getValue();
        }
        if (point instanceof HistogramSnapshot.HistogramDataPointSnapshot) {
            return ((HistogramSnapshot.HistogramDataPointSnapshot) point).getCount();
        }
        throw new IllegalArgumentException("unexpected data point " + point);
    }
}
