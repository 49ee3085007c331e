package io.kube9.agent.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A counter with labels whose scrape stays cheap at thousands of series. Each series builds its
 * {@link Labels} once, when it is created, and the scrape hands them over already sorted.
 *
 * <p>Why not client_java's {@code Counter}: its scrape builds every series' {@code Labels} anew
 * (arrays, a sort of the names), and the snapshot then sorts all the series by their labels. For
 * 5,000 series (1,250 event types by 4 severities) that took ~4 ms of the scrape here, as much as
 * formatting and compressing the 357 KB of text together (BENCHMARKS.md, target 15 ms). The
 * application's thread pays the same either way: one striped add per event.
 */
final class LabelledCounter implements Collector {
    private final String name;
    private final String help;
    private final String[] labelNames;
    private final ConcurrentHashMap<List<String>, Series> series = new ConcurrentHashMap<>();
    /** The series sorted by their labels, as of the last scrape; rebuilt after a series was added. */
    private volatile List<Series> sorted = Collections.emptyList();
    private volatile boolean added;

    /** @param name without {@code _total}, which the exposition formats add */
    LabelledCounter(String name, String help, String... labelNames) {
        this.name = name;
        this.help = help;
        this.labelNames = labelNames.clone();
    }

    /** The series of these label values (one per label name, in order), to be cached by the caller. */
    Series labelValues(String... values) {
        if (values.length != labelNames.length) {
            throw new IllegalArgumentException(name + " has " + labelNames.length + " labels, got "
                    + values.length + " values");
        }
        List<String> key = Arrays.asList(values.clone());
        Series existing = series.get(key);
        if (existing != null) {
            return existing;
        }
        Series created = series.computeIfAbsent(key, unused -> new Series(Labels.of(labelNames, values)));
        added = true;
        return created;
    }

    /** One combination of label values. */
    static final class Series implements Comparable<Series> {
        private final LongAdder count = new LongAdder();
        private final Labels labels;
        private final long createdMillis = System.currentTimeMillis();

        private Series(Labels labels) {
            this.labels = labels;
        }

        void inc() {
            count.increment();
        }

        void inc(long amount) {
            if (amount > 0) {
                count.add(amount);
            }
        }

        long get() {
            return count.sum();
        }

        @Override
        public int compareTo(Series other) {
            return labels.compareTo(other.labels);
        }
    }

    @Override
    public MetricSnapshot collect() {
        List<Series> in = sorted;
        if (added) {
            added = false; // first: a series added while we sort is seen by the next scrape
            List<Series> all = new ArrayList<>(series.values());
            Collections.sort(all);
            sorted = all;
            in = all;
        }
        List<CounterDataPointSnapshot> points = new ArrayList<>(in.size());
        for (Series one : in) {
            points.add(new CounterDataPointSnapshot(one.get(), one.labels, null, one.createdMillis));
        }
        return new CounterSnapshot(new MetricMetadata(name, help), points);
    }

    @Override
    public String getPrometheusName() {
        return name;
    }

    @Override
    public MetricType getMetricType() {
        return MetricType.COUNTER;
    }

    @Override
    public Set<String> getLabelNames() {
        return new LinkedHashSet<>(Arrays.asList(labelNames));
    }
}
