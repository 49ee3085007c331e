package io.kube9.agent.metrics;

import static io.kube9.agent.metrics.Scraped.text;
import static io.kube9.agent.metrics.Scraped.withoutCreated;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {
    private static final double[] BOUNDS = {0.001, 0.01, 0.1, 1};

    @Test
    void exposesWhatClientJavasOwnHistogramExposesForTheSameObservations() throws IOException {
        PrometheusRegistry ours = new PrometheusRegistry();
        DurationHistogram histogram = new DurationHistogram("work_seconds", "Time spent working", "worker", BOUNDS);
        ours.register(histogram);
        PrometheusRegistry theirs = new PrometheusRegistry();
        Histogram reference = Histogram.builder().name("work_seconds").help("Time spent working").labelNames("worker")
                .classicOnly().classicUpperBounds(BOUNDS).withoutExemplars().register(theirs);

        // on a bound, between bounds, above the last, zero; two label values
        long[] nanos = {1_000_000, 1_000_001, 5_000_000, 10_000_000, 250_000_000, 3_000_000_000L, 0};
        for (long value : nanos) {
            histogram.series("a").observeNanos(value);
            reference.labelValues("a").observe(value / 1e9);
        }
        histogram.series("b").observeNanos(42_000);
        reference.labelValues("b").observe(42_000 / 1e9);

        assertThat(text(ours, false)).isEqualTo(text(theirs, false));
        assertThat(withoutCreated(text(ours, true), "work_seconds"))
                .isEqualTo(withoutCreated(text(theirs, true), "work_seconds"));
        assertThat(text(ours, false)).contains("work_seconds_bucket{worker=\"a\",le=\"0.001\"} 2\n",
                "work_seconds_count{worker=\"a\"} 7\n", "work_seconds_sum{worker=\"a\"} 3.267000001\n");
    }

    @Test
    void observationsFromManyThreadsAllCount() throws InterruptedException {
        DurationHistogram histogram = new DurationHistogram("work_seconds", "Time spent working", "worker", BOUNDS);
        DurationHistogram.Series series = histogram.series("a");
        List<Thread> threads = Together.start(4, () -> {
            for (int i = 0; i < 100_000; i++) {
                series.observeNanos(i % 2 == 0 ? 500_000 : 50_000_000);
            }
        });
        for (Thread thread : threads) {
            thread.join();
        }

        var point = ((io.prometheus.metrics.model.snapshots.HistogramSnapshot) histogram.collect()).getDataPoints().get(0);
        assertThat(point.getCount()).isEqualTo(400_000);
        assertThat(point.getSum()).isCloseTo(200_000 * 0.0005 + 200_000 * 0.05, org.assertj.core.data.Offset.offset(1e-6));
    }
}
