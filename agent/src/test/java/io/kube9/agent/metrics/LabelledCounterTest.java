package io.kube9.agent.metrics;

import static io.kube9.agent.metrics.Scraped.text;
import static io.kube9.agent.metrics.Scraped.withoutCreated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelledCounterTest {

    @Test
    void exposesWhatClientJavasOwnCounterExposesForTheSameIncrements() throws IOException {
        PrometheusRegistry ours = new PrometheusRegistry();
        LabelledCounter counter = new LabelledCounter("jobs", "Jobs done", "kind", "level");
        ours.register(counter);
        PrometheusRegistry theirs = new PrometheusRegistry();
        Counter reference = Counter.builder().name("jobs_total").help("Jobs done").labelNames("kind", "level")
                .withoutExemplars().register(theirs);

        // created out of label order, a value needing escapes, an amount of several, a zero series
        String[][] labels = {{"zeta", "info"}, {"alpha", "warning"}, {"alpha", "error"}, {"q\"uote\\d\n", "info"}};
        for (int i = 0; i < labels.length; i++) {
            for (int n = 0; n <= i; n++) {
                counter.labelValues(labels[i]).inc();
                reference.labelValues(labels[i]).inc();
            }
        }
        counter.labelValues("alpha", "error").inc(40);
        reference.labelValues("alpha", "error").inc(40);
        counter.labelValues("idle", "info");
        reference.labelValues("idle", "info");

        assertThat(text(ours, false)).isEqualTo(text(theirs, false));
        assertThat(withoutCreated(text(ours, true), "jobs"))
                .isEqualTo(withoutCreated(text(theirs, true), "jobs"));
        assertThat(text(ours, false)).contains("jobs_total{kind=\"alpha\",level=\"error\"} 43.0\n",
                "jobs_total{kind=\"idle\",level=\"info\"} 0.0\n");
    }

    @Test
    void aSeriesAddedAfterAScrapeIsInTheNextAndTheSameValuesGiveTheSameSeries() {
        LabelledCounter counter = new LabelledCounter("jobs", "Jobs done", "kind");
        counter.labelValues("b").inc();
        assertThat(values(counter)).containsExactly("b=1.0");

        counter.labelValues("a").inc(2);
        counter.labelValues("b").inc();
        assertThat(counter.labelValues("b")).isSameAs(counter.labelValues("b"));
        assertThat(values(counter)).containsExactly("a=2.0", "b=2.0");
    }

    @Test
    void theWrongNumberOfLabelValuesIsRefusedWithTheMetricsName() {
        LabelledCounter counter = new LabelledCounter("jobs", "Jobs done", "kind", "level");
        assertThatThrownBy(() -> counter.labelValues("only-one"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jobs has 2 labels, got 1 values");
    }

    @Test
    void incrementsFromManyThreadsWhileScrapingAllCount() throws InterruptedException {
        LabelledCounter counter = new LabelledCounter("jobs", "Jobs done", "kind");
        List<Thread> threads = Together.start(4, () -> {
            for (int i = 0; i < 100_000; i++) {
                counter.labelValues("kind-" + (i % 50)).inc();
            }
        });
        while (threads.stream().anyMatch(Thread::isAlive)) {
            counter.collect(); // scrapes while series are being added
        }
        for (Thread thread : threads) {
            thread.join();
        }

        CounterSnapshot snapshot = (CounterSnapshot) counter.collect();
        assertThat(snapshot.getDataPoints()).hasSize(50);
        assertThat(snapshot.getDataPoints().stream().mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum())
                .isEqualTo(400_000);
    }

    private static List<String> values(LabelledCounter counter) {
        List<String> values = new ArrayList<>();
        for (CounterSnapshot.CounterDataPointSnapshot point : ((CounterSnapshot) counter.collect()).getDataPoints()) {
            values.add(point.getLabels().get("kind") + "=" + point.getValue());
        }
        return values;
    }
}
