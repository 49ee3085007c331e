package io.kube9.it.apps;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.bytebuddy.ByteBuddy;

/**
 * A service that ships its own, older versions of the agent's libraries (run with Byte Buddy
 * 1.14.18, prometheus-metrics 1.6.1 with a {@code prometheus.properties}, sqlite-jdbc 3.46.1.3)
 * and uses all three, including the JVM-wide parts: the default Prometheus registry and
 * {@link DriverManager}. It prints what it saw, so a test can compare runs with and without the
 * agent. Events are {@code Map}s, read by key.
 */
public final class ConflictApp {
    private ConflictApp() {}

    public static void main(String[] args) throws Exception {
        String db = args[0];
        Counter orders = Counter.builder().name("conflict_app_orders_total").help("orders").register();
        Histogram latency = Histogram.builder().name("conflict_app_latency_seconds").help("latency").register();

        Class<?> generated = new ByteBuddy().subclass(Object.class).name("io.kube9.it.apps.Generated").make()
                .load(ConflictApp.class.getClassLoader()).getLoaded();
        System.out.println("byte-buddy: " + jarOf(ByteBuddy.class) + " made " + generated.getName());

        ConflictEventStore store = new ConflictEventStore(db);
        ConflictProjection projection = new ConflictProjection();
        for (int i = 0; i < 200; i++) {
            List<Map<String, Object>> batch = new ArrayList<>();
            batch.add(Map.of("eventType", "ledger.opened", "aggregateId", "acc-" + i,
                    "payload", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
            if (i % 4 == 0) {
                batch.add(Map.of("eventType", "ledger.credited", "aggregateId", "acc-" + i, "payload", "{}"));
            }
            store.append(batch);
            batch.forEach(projection::handle);
            orders.inc();
            latency.observe(1.5);
        }

        System.out.println("sqlite: " + store.version() + " from " + jarOf(org.sqlite.JDBC.class));
        List<String> drivers = new ArrayList<>();
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            drivers.add(driver.getClass().getName() + " from " + jarOf(driver.getClass()));
        }
        System.out.println("drivers: " + drivers);
        System.out.println("rows: " + store.count());
        TreeSet<String> names = new TreeSet<>();
        for (MetricSnapshot snapshot : PrometheusRegistry.defaultRegistry.scrape()) {
            names.add(snapshot.getMetadata().getName());
            if (snapshot instanceof HistogramSnapshot) {
                ClassicHistogramBuckets buckets = ((HistogramSnapshot) snapshot).getDataPoints().get(0).getClassicBuckets();
                List<Double> bounds = new ArrayList<>();
                for (int i = 0; i < buckets.size(); i++) {
                    bounds.add(buckets.getUpperBound(i));
                }
                System.out.println("own histogram bounds: " + bounds);
            }
        }
        System.out.println("own registry: " + names + " from " + jarOf(Counter.class));
        System.out.println("DONE");
        System.out.flush();
        if (args.length > 1 && args[1].equals("--hold")) {
            while (System.in.read() >= 0) {
                // wait for the test to close our standard input
            }
        }
    }

    static String jarOf(Class<?> type) {
        String location = type.getProtectionDomain().getCodeSource().getLocation().getPath();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    static final class ConflictEventStore {
        private final Connection connection;

        ConflictEventStore(String path) throws Exception {
            connection = DriverManager.getConnection("jdbc:sqlite:" + path);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS ledger (type TEXT, aggregate TEXT)");
            }
        }

        void append(List<Map<String, Object>> events) throws Exception {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger VALUES (?, ?)")) {
                for (Map<String, Object> event : events) {
                    insert.setString(1, (String) event.get("eventType"));
                    insert.setString(2, (String) event.get("aggregateId"));
                    insert.executeUpdate();
                }
            }
        }

        String version() throws Exception {
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT sqlite_version()")) {
                result.next();
                return result.getString(1);
            }
        }

        long count() throws Exception {
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*) FROM ledger")) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    static final class ConflictProjection {
        long handled;

        void handle(Map<String, Object> event) {
            handled++;
        }
    }
}
