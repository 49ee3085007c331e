package io.kube9.agent.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** The cached data points of one projection label. */
public final class ProjectionInstruments {
    private final CounterDataPoint updates;
    private final CounterDataPoint errors;
    private final Lag lag;
    private final DurationHistogram.Series duration;

    /**
     * The lag of the latest event one projection label handled, read at scrape time.
     *
     * <p>Threads that handle events of the same projection at once (a consumer per partition)
     * would all write one field on every call, and its cache line would travel from core to core
     * each time: with two threads, a projection call took 131-144 ns of CPU, 99-103 with a stripe
     * per thread (JMH, three runs; issue 5's target is 120 ns). So each thread writes a stripe of its own
     * (by thread id, on a 128-byte line pair of its own, as {@code CoarseClock} counts its reads):
     * when the event was handled and its lag, both in milliseconds. The scrape reports the lag of
     * the stripe handled last. A stripe is written only where it changes: a thread that handles
     * events of the same age within a millisecond leaves its line as it was.
     */
    static final class Lag {
        private static final int STRIPES = 8;
        /** Longs from one stripe to the next: 128 bytes. */
        private static final int STRIDE = 16;
        private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);
        /** Per stripe s, from (s + 1) * STRIDE: when handled (epoch millis; 0: never), then the lag. */
        private final long[] cells = new long[(STRIPES + 1) * STRIDE];

        void set(long handledAtMillis, long lagMillis) {
            int at = (((int) Thread.currentThread().getId() & (STRIPES - 1)) + 1) * STRIDE;
            long[] cells = this.cells;
            if (cells[at + 1] != lagMillis) {
                CELLS.setOpaque(cells, at + 1, lagMillis);
            }
            if (cells[at] != handledAtMillis) {
                CELLS.setRelease(cells, at, handledAtMillis); // after the lag: a reader that sees the time sees it
            }
        }

        /** Seconds: the lag of the stripe handled last; 0 before any. */
        double get() {
            long latest = 0;
            long lag = 0;
            for (int at = STRIDE; at < cells.length; at += STRIDE) {
                long handledAt = (long) CELLS.getAcquire(cells, at);
                if (handledAt > latest) {
                    latest = handledAt;
                    lag = (long) CELLS.getOpaque(cells, at + 1);
                }
            }
            return lag / 1000.0;
        }
    }

    ProjectionInstruments(CounterDataPoint updates, CounterDataPoint errors, Lag lag,
            DurationHistogram.Series duration) {
        this.updates = updates;
        this.errors = errors;
        this.lag = lag;
        this.duration = duration;
    }

    public void handled(long events, long durationNanos) {
        if (events > 0) {
            updates.inc(events);
        }
        duration.observeNanos(durationNanos);
    }

    public void failed(long durationNanos) {
        errors.inc();
        duration.observeNanos(durationNanos);
    }

    /** The latest event was handled at {@code handledAtMillis} and is {@code lagMillis} old. */
    public void lag(long handledAtMillis, long lagMillis) {
        lag.set(handledAtMillis, lagMillis);
    }
}
