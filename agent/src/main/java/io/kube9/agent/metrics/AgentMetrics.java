package io.kube9.agent.metrics;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Every metric the agent exports (SPEC section 3), in the agent's own registry, built from an
 * explicit configuration so the service's Prometheus settings never reach them.
 *
 * <p>The application's thread only ever touches cached data points: label values are resolved
 * once per distinct value, then a lookup in a concurrent map and an {@code inc()}.
 */
public final class AgentMetrics {
    /** Projection calls are usually micro- to milliseconds; the defaults start at 5 ms. */
    private static final double[] PROJECTION_BUCKETS = {
        0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
        2.5, 5, 10
    };
    private static final double[] BATCH_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

    private final PrometheusProperties properties = PrometheusProperties.builder().build();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** Each metric's own: a recorder's runaway types must not turn the store's into {@code other}. */
    private final LabelLimiter recordedTypes;
    private final LabelLimiter storedTypes;
    private final LabelLimiter severities;
    private final LabelLimiter projections;
    private final int cacheLimit;

    private final LabelledCounter eventsTotal;
    private final LabelledCounter storedTotal;
    private final CounterDataPoint storedBytes;
    private final Counter projectionUpdates;
    private final Counter projectionErrors;
    private final ConcurrentHashMap<String, ProjectionInstruments.Lag> projectionLags = new ConcurrentHashMap<>();
    private final DurationHistogram processingDuration;
    private final CounterDataPoint adviceErrors;
    private final CounterDataPoint accessorErrors;
    private final CounterDataPoint journalWriteErrors;
    private final Histogram journalBatchDuration;

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, LabelledCounter.Series>> eventsByType =
            new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LabelledCounter.Series> storedByType = new ConcurrentHashMap<>();
    private static final int RECENT = 256;
    private final RecentPoint[] recentRecorded = new RecentPoint[RECENT];
    private final RecentPoint[] recentStored = new RecentPoint[RECENT];

    public AgentMetrics(int labelLimit) {
        recordedTypes = new LabelLimiter(labelLimit);
        storedTypes = new LabelLimiter(labelLimit);
        severities = new LabelLimiter(labelLimit);
        projections = new LabelLimiter(labelLimit);
        cacheLimit = labelLimit * 4;

        // The two counters with many series (an event type per label value) are our own: see LabelledCounter.
        eventsTotal = new LabelledCounter("kube9_events", "Events recorded at recorder sites", "event_type", "severity");
        registry.register(eventsTotal);
        storedTotal = new LabelledCounter("events_stored", "Events appended at event-store sites", "event_type");
        registry.register(storedTotal);
        storedBytes = Counter.builder(properties).name("events_stored_bytes_total")
                .help("Payload bytes of the events appended at event-store sites")
                .withoutExemplars().register(registry).labelValues();
        projectionUpdates = Counter.builder(properties).name("projection_updates_total")
                .help("Events a projection handled without error").labelNames("projection")
                .withoutExemplars().register(registry);
        projectionErrors = Counter.builder(properties).name("projection_errors_total")
                .help("Projection calls that threw").labelNames("projection")
                .withoutExemplars().register(registry);
        GaugeWithCallback.builder(properties).name("projection_lag_seconds")
                .help("Handling time minus the event's own timestamp, for the latest event a projection handled")
                .labelNames("projection")
                .callback(callback -> projectionLags.forEach((label, lag) -> callback.call(lag.get(), label)))
                .register(registry);
        processingDuration = new DurationHistogram("event_processing_duration_seconds",
                "Time spent in projection methods", "projection", PROJECTION_BUCKETS);
        registry.register(processingDuration);
        adviceErrors = Counter.builder(properties).name("kube9_advice_errors_total")
                .help("Failures inside the agent while handling an intercepted call (the call itself was unaffected)")
                .withoutExemplars().register(registry).labelValues();
        accessorErrors = Counter.builder(properties).name("kube9_accessor_errors_total")
                .help("Event accessors that threw; the attribute was taken as absent")
                .withoutExemplars().register(registry).labelValues();
        journalWriteErrors = Counter.builder(properties).name("kube9_journal_write_errors_total")
                .help("Journal batches that failed to write (retried, unless the file is damaged)")
                .withoutExemplars().register(registry).labelValues();
        journalBatchDuration = Histogram.builder(properties).name("kube9_journal_batch_duration_seconds")
                .help("Time to write one batch into the journal").classicOnly().classicUpperBounds(BATCH_BUCKETS)
                .withoutExemplars().register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public PrometheusProperties properties() {
        return properties;
    }

    /** {@code kube9_events_total} for one event. */
    public void eventRecorded(String eventType, String severity) {
        int index = (eventType.hashCode() * 31 + severity.hashCode()) & (RECENT - 1);
        RecentPoint recent = recentRecorded[index];
        if (recent != null && recent.matches(eventType, severity)) {
            recent.point.inc();
            return;
        }
        ConcurrentHashMap<String, LabelledCounter.Series> bySeverity = eventsByType.get(eventType);
        LabelledCounter.Series point = bySeverity == null ? null : bySeverity.get(severity);
        if (point == null) {
            point = recordedPoint(eventType, severity);
        }
        if (recent == null) {
            recentRecorded[index] = new RecentPoint(eventType, severity, point); // racy: the entry is immutable
        }
        point.inc();
    }

    /**
     * A label pair and its data point, in a small table in front of the two maps: one array
     * load and two compares instead of two {@code ConcurrentHashMap} look-ups (~8 ns of a 30 ns
     * budget). Entries are only ever added to an empty index, so the table fills once (at most
     * {@value #RECENT} allocations) and pairs whose index is taken go on through the maps.
     */
    private static final class RecentPoint {
        final String first;
        final String second;
        final LabelledCounter.Series point;

        RecentPoint(String first, String second, LabelledCounter.Series point) {
            this.first = first;
            this.second = second;
            this.point = point;
        }

        boolean matches(String a, String b) {
            return (first == a || first.equals(a)) && (second == b || second.equals(b));
        }
    }

    private LabelledCounter.Series recordedPoint(String eventType, String severity) {
        LabelledCounter.Series point = eventsTotal.labelValues(recordedTypes.admit(eventType), severities.admit(severity));
        if (eventsByType.size() < cacheLimit) {
            ConcurrentHashMap<String, LabelledCounter.Series> bySeverity =
                    eventsByType.computeIfAbsent(eventType, type -> new ConcurrentHashMap<>());
            if (bySeverity.size() < cacheLimit) {
                bySeverity.putIfAbsent(severity, point);
            }
        }
        return point;
    }

    /** {@code events_stored_total} and {@code events_stored_bytes_total} for one event. */
    public void eventStored(String eventType, long payloadBytes) {
        int index = eventType.hashCode() & (RECENT - 1);
        RecentPoint recent = recentStored[index];
        LabelledCounter.Series point;
        if (recent != null && recent.matches(eventType, "")) {
            point = recent.point;
        } else {
            point = storedByType.get(eventType);
            if (point == null) {
                point = storedTotal.labelValues(storedTypes.admit(eventType));
                if (storedByType.size() < cacheLimit) {
                    storedByType.putIfAbsent(eventType, point);
                }
            }
            if (recent == null) {
                recentStored[index] = new RecentPoint(eventType, "", point);
            }
        }
        point.inc();
        if (payloadBytes > 0) {
            storedBytes.inc(payloadBytes);
        }
    }

    /** The data points of one projection label, to be cached by the caller per projection class. */
    public ProjectionInstruments projection(String name) {
        String label = projections.admit(name);
        return new ProjectionInstruments(projectionUpdates.labelValues(label), projectionErrors.labelValues(label),
                projectionLags.computeIfAbsent(label, unused -> new ProjectionInstruments.Lag()),
                processingDuration.series(label));
    }

    public void adviceError() {
        adviceErrors.inc();
    }

    public void accessorError() {
        accessorErrors.inc();
    }

    public void journalWriteError() {
        journalWriteErrors.inc();
    }

    public void journalBatchWritten(double seconds) {
        journalBatchDuration.observe(seconds);
    }

    /** A gauge read at scrape time. */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder(properties).name(name).help(help)
                .callback(callback -> callback.call(value.getAsDouble())).register(registry);
    }

    /** A counter whose value is kept elsewhere and read at scrape time. */
    public void counter(String name, String help, LongSupplier value) {
        CounterWithCallback.builder(properties).name(name).help(help)
                .callback(callback -> callback.call(value.getAsLong())).register(registry);
    }

    /** {@code kube9_database_operations_total}, read at scrape time from the journal's counters. */
    public void databaseOperations(LongSupplier inserts, LongSupplier selects, LongSupplier deletes) {
        CounterWithCallback.builder(properties).name("kube9_database_operations_total")
                .help("Journal rows inserted, queries the agent ran on the journal, rows deleted by retention")
                .labelNames("operation")
                .callback(callback -> {
                    callback.call(inserts.getAsLong(), "insert");
                    callback.call(selects.getAsLong(), "select");
                    callback.call(deletes.getAsLong(), "delete");
                })
                .register(registry);
    }

    /** {@code kube9_agent_info{version}}. */
    public void info(String version) {
        GaugeWithCallback.builder(properties).name("kube9_agent_info").help("The running kube9 agent")
                .labelNames("version").callback(callback -> callback.call(1, version)).register(registry);
    }
}
