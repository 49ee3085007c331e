package io.kube9.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every configuration key the agent knows, with its default. README's table is made from this. */
public final class Keys {
    private static final Map<String, Key<?>> ALL = new LinkedHashMap<>();

    public static final Key<Boolean> ENABLED = add(Key.bool("kube9.enabled", true,
            "Kill switch: false means no transformation, no thread, no port, no file."));
    public static final Key<String> CONFIG = add(Key.text("kube9.config", null,
            "Path of a properties file with more kube9.* keys (lowest precedence but defaults)."));

    public static final Key<Boolean> EXPORTER_ENABLED = add(Key.bool("kube9.exporter.enabled", true,
            "Serve the metrics endpoint."));
    public static final Key<Integer> EXPORTER_PORT = add(Key.integer("kube9.exporter.port", 9469, 0, 65535,
            "Metrics port; 0 picks a free port and logs it."));
    public static final Key<String> EXPORTER_HOST = add(Key.text("kube9.exporter.host", "0.0.0.0",
            "Bind address of the metrics endpoint."));
    // Exporter protection. Given but unusable, these keep the endpoint closed rather than open or in clear text.
    public static final Key<String> EXPORTER_BASIC_AUTH_USERNAME = add(Key.unchecked(
            "kube9.exporter.basic-auth.username", "User name the metrics endpoint asks for (HTTP basic auth)."));
    public static final Key<String> EXPORTER_BASIC_AUTH_PASSWORD = add(Key.unchecked(
            "kube9.exporter.basic-auth.password", "Its password in clear text; prefer password-sha256."));
    public static final Key<String> EXPORTER_BASIC_AUTH_PASSWORD_SHA256 = add(Key.unchecked(
            "kube9.exporter.basic-auth.password-sha256", "Hex SHA-256 of the password (64 hex digits)."));
    public static final Key<String> EXPORTER_TLS_CERT = add(Key.unchecked("kube9.exporter.tls.cert",
            "PEM certificate (chain, server certificate first) of the metrics endpoint; turns on HTTPS."));
    public static final Key<String> EXPORTER_TLS_KEY = add(Key.unchecked("kube9.exporter.tls.key",
            "PEM private key (unencrypted PKCS#8) of that certificate."));
    public static final Key<String> EXPORTER_TLS_KEYSTORE = add(Key.unchecked("kube9.exporter.tls.keystore",
            "PKCS12 keystore with the endpoint's key and certificate (instead of tls.cert and tls.key)."));
    public static final Key<String> EXPORTER_TLS_KEYSTORE_PASSWORD = add(Key.unchecked(
            "kube9.exporter.tls.keystore-password", "Password of that keystore (none = empty)."));

    public static final Key<Boolean> JOURNAL_ENABLED = add(Key.bool("kube9.journal.enabled", true,
            "Mirror captured events into the SQLite journal."));
    public static final Key<String> JOURNAL_PATH = add(Key.text("kube9.journal.path", "kube9-events.db",
            "Journal file (relative to the working directory)."));
    public static final Key<Boolean> JOURNAL_PAYLOAD = add(Key.bool("kube9.journal.payload", false,
            "Store event payloads in the journal (size-capped)."));
    public static final Key<Integer> JOURNAL_PAYLOAD_MAX = add(Key.integer("kube9.journal.payload-max-bytes",
            4096, 0, 16 * 1024 * 1024, "Payload bytes kept per event when payload capture is on."));
    public static final Key<Integer> JOURNAL_BATCH = add(Key.integer("kube9.journal.batch-size", 5000, 1, 100_000,
            "Most rows written in one transaction."));
    public static final Key<Duration> JOURNAL_FLUSH_INTERVAL = add(Key.duration("kube9.journal.flush-interval",
            "500ms", Duration.ofSeconds(60), "How long a part-filled batch waits for more rows before it is written."));
    public static final Key<Duration> JOURNAL_RETENTION_AGE = add(Key.duration("kube9.journal.retention.age", "7d",
            "Rows older than this are pruned; 0 keeps them."));
    public static final Key<Long> JOURNAL_RETENTION_ROWS = add(Key.count("kube9.journal.retention.rows", 1_000_000L,
            "Most rows kept; 0 = no limit."));
    public static final Key<Long> JOURNAL_RETENTION_BYTES = add(Key.bytes("kube9.journal.retention.bytes", "0",
            "Journal size above which the oldest rows are pruned; 0 = no limit."));
    public static final Key<Duration> JOURNAL_SHUTDOWN_TIMEOUT = add(Key.duration("kube9.journal.shutdown-timeout",
            "10s", "How long JVM exit waits for the queue to drain into the journal; 0 = not at all (what is"
                    + " queued is written only as far as the writer gets before the JVM halts)."));

    public static final Key<Duration> START_DEFER = add(Key.duration("kube9.start.defer", "1s",
            "How long after the JVM starts the agent waits before it starts its metrics, journal and endpoint (sooner "
            + "at the first call of a site or at exit), so their start-up does not compete with the service's; 0 = at once."));

    public static final Key<Integer> QUEUE_CAPACITY = add(Key.integer("kube9.queue.capacity", 262_144, 2, 1 << 22,
            "Events held in memory for the journal writer (rounded up to a power of two), shared by the lanes."));
    public static final Key<Integer> QUEUE_LANES = add(Key.integer("kube9.queue.lanes", 2, 1, 64,
            "Lanes of the queue (rounded up to a power of two): threads are spread over them, each lane holds an "
            + "equal share of the capacity and drops its own oldest events when full."));
    public static final Key<String> STORE_PATH = add(Key.text("kube9.store.path", null,
            "The service's own event store file or directory; feeds event_store_size_bytes."));
    public static final Key<Integer> LABEL_LIMIT = add(Key.integer("kube9.metrics.label-limit", 200, 1, 100_000,
            "Distinct values per label taken from user data; more become \"other\"."));
    public static final Key<Boolean> JVM_METRICS = add(Key.bool("kube9.metrics.jvm", false,
            "Also export JVM metrics (memory, GC, threads)."));

    public static final Key<Preset> PRESET = add(Key.choice("kube9.preset", Preset.NONE, Preset.class,
            "Named set of extra targets for a framework."));

    public static final Key<List<String>> RECORDER_TYPES = add(Key.list("kube9.recorder.types", "*EventRecorder",
            "Type patterns of recorder sites (glob on the class or any supertype name)."));
    public static final Key<List<String>> RECORDER_METHODS = add(Key.list("kube9.recorder.methods",
            "recordEvent;record", "Method names of recorder sites."));
    public static final Key<List<String>> STORE_TYPES = add(Key.list("kube9.store.types",
            "*EventStore;*EventStorageEngine", "Type patterns of store sites."));
    public static final Key<List<String>> STORE_METHODS = add(Key.list("kube9.store.methods",
            "store;append;appendEvents;save", "Method names of store sites."));
    public static final Key<List<String>> PROJECTION_TYPES = add(Key.list("kube9.projection.types",
            "*Projector;*Projection", "Type patterns of projection sites."));
    public static final Key<List<String>> PROJECTION_METHODS = add(Key.list("kube9.projection.methods",
            "processEvent;project;handle;apply;on", "Method names of projection sites."));
    public static final Key<List<String>> PROJECTION_LABEL = add(Key.accessors("kube9.projection.label", null,
            "Accessors read from the projection object for its label (a projection class whose instances are "
            + "named: name, viewName); unset or none giving a value: its simple class name."));

    public static final Key<List<String>> ACCESSOR_EVENT_TYPE = add(Key.accessors("kube9.accessor.event-type",
            "eventType;type", "Accessors read for event_type (else the event's simple class name)."));
    public static final Key<List<String>> ACCESSOR_SEVERITY = add(Key.accessors("kube9.accessor.severity",
            "severity;level", "Accessors read for severity (else \"unknown\")."));
    public static final Key<List<String>> ACCESSOR_TIMESTAMP = add(Key.accessors("kube9.accessor.timestamp",
            "timestamp;occurredAt;createdAt", "Accessors read for the event's own time."));
    public static final Key<List<String>> ACCESSOR_PAYLOAD = add(Key.accessors("kube9.accessor.payload",
            "data;payload", "Accessors read for the payload (byte[], String, ByteBuffer)."));
    public static final Key<List<String>> ACCESSOR_ID = add(Key.accessors("kube9.accessor.id",
            "id;eventId;identifier", "Accessors read for the event id."));
    public static final Key<List<String>> ACCESSOR_AGGREGATE_ID = add(Key.accessors("kube9.accessor.aggregate-id",
            "aggregateId;streamId", "Accessors read for the aggregate id."));

    /** The accessors of one site's events: unset, an attribute is read by the kube9.accessor.* names. */
    public static final SiteAccessors RECORDER_ACCESSORS = new SiteAccessors("recorder");
    public static final SiteAccessors STORE_ACCESSORS = new SiteAccessors("store");
    public static final SiteAccessors PROJECTION_ACCESSORS = new SiteAccessors("projection");

    /** The six accessor keys of one site, {@code kube9.<site>.accessor.<attribute>}, none with a default. */
    public static final class SiteAccessors {
        public final Key<List<String>> eventType;
        public final Key<List<String>> severity;
        public final Key<List<String>> timestamp;
        public final Key<List<String>> payload;
        public final Key<List<String>> id;
        public final Key<List<String>> aggregateId;

        private SiteAccessors(String site) {
            eventType = add(siteKey(site, ACCESSOR_EVENT_TYPE));
            severity = add(siteKey(site, ACCESSOR_SEVERITY));
            timestamp = add(siteKey(site, ACCESSOR_TIMESTAMP));
            payload = add(siteKey(site, ACCESSOR_PAYLOAD));
            id = add(siteKey(site, ACCESSOR_ID));
            aggregateId = add(siteKey(site, ACCESSOR_AGGREGATE_ID));
        }

        private static Key<List<String>> siteKey(String site, Key<List<String>> global) {
            String attribute = global.name().substring("kube9.accessor.".length());
            return Key.accessors("kube9." + site + ".accessor." + attribute, null,
                    "Accessors read for " + attribute + " from " + site + " events only; unset: " + global.name() + ".");
        }
    }

    private Keys() {}

    private static <T> Key<T> add(Key<T> key) {
        ALL.put(key.name(), key);
        return key;
    }

    public static Key<?> byName(String name) {
        return ALL.get(name);
    }

    public static List<Key<?>> all() {
        return Collections.unmodifiableList(new ArrayList<>(ALL.values()));
    }

    /** Framework presets: named sets of targets added to the conventions. */
    public enum Preset {
        NONE,
        AXON
    }
}
