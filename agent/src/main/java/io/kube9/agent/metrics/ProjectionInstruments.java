package io.kube9.agent.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

/** The cached data points of one projection label. */
public final class ProjectionInstruments {
    private final CounterDataPoint updates;
    private final CounterDataPoint errors;
    private final GaugeDataPoint lag;
    private final DistributionDataPoint duration;

    ProjectionInstruments(CounterDataPoint updates, CounterDataPoint errors, GaugeDataPoint lag,
            DistributionDataPoint duration) {
        this.updates = updates;
        this.errors = errors;
        this.lag = lag;
        this.duration = duration;
    }

    public void handled(long events, long durationNanos) {
        if (events > 0) {
            updates.inc(events);
        }
        duration.observe(durationNanos / 1e9);
    }

    public void failed(long durationNanos) {
        errors.inc();
        duration.observe(durationNanos / 1e9);
    }

    public void lag(double seconds) {
        lag.set(seconds);
    }
}
