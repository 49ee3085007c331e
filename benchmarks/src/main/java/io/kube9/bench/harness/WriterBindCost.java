package io.kube9.bench.harness;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Not part of the table: what the journal writer's way of binding a row costs, two ways side by
 * side in one process, alternating lap by lap. {@code string} binds every text with {@code
 * setString} (sqlite-jdbc encodes each into a new array); {@code utf8} binds the texts that repeat
 * (site, source, type, severity, thread) as UTF-8 bytes encoded once and cast back to text by the
 * statement ({@code CAST(? AS TEXT)}), as the writer does since the thirteenth round. The journal's
 * schema, page size, WAL and synchronous=NORMAL, 50-row statements, one transaction per batch.
 * Prints the writing thread's CPU and allocation per row for each lap, and the medians of the second
 * half of the laps: for the first five or six laps (a million rows or so) both ways cost ~40% more
 * CPU per row, the heap still growing, and the way that allocates less looks cheaper than it is.
 *
 * <pre>{@code java -cp benchmarks/target/kube9-benchmarks.jar io.kube9.bench.harness.WriterBindCost \
 *     [rows per lap, 200000] [rows per transaction, 1750] [laps, 8]}</pre>
 */
public final class WriterBindCost {
    private static final int ROWS_PER_STATEMENT = 50;
    private static final String[] TYPES = {"order.created", "order.item-added", "order.paid", "order.shipped"};

    private WriterBindCost() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int transaction = args.length > 1 ? Integer.parseInt(args[1]) : 1_750;
        int laps = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        String[] ids = new String[rows];
        for (int i = 0; i < rows; i++) {
            ids[i] = UUID.randomUUID().toString();
        }
        Map<Boolean, List<Double>> micros = new HashMap<>();
        Map<Boolean, List<Double>> bytes = new HashMap<>();
        for (int lap = 0; lap < laps; lap++) {
            for (boolean utf8 : new boolean[] {false, true}) {
                double[] cost = lap(utf8, ids, transaction);
                System.out.printf("lap %d %-6s %.2f us/row %6.0f B/row%n", lap, utf8 ? "utf8" : "string", cost[0],
                        cost[1]);
                if (lap >= laps / 2) { // the first laps compile, and the heap grows
                    micros.computeIfAbsent(utf8, k -> new ArrayList<>()).add(cost[0]);
                    bytes.computeIfAbsent(utf8, k -> new ArrayList<>()).add(cost[1]);
                }
            }
        }
        System.out.printf("median of laps %d-%d: string %.2f us/row %.0f B/row, utf8 %.2f us/row %.0f B/row"
                + " (utf8/string %.2f CPU, %.2f bytes)%n", laps / 2, laps - 1,
                Stats.median(micros.get(false)), Stats.median(bytes.get(false)), Stats.median(micros.get(true)),
                Stats.median(bytes.get(true)), Stats.median(micros.get(true)) / Stats.median(micros.get(false)),
                Stats.median(bytes.get(true)) / Stats.median(bytes.get(false)));
    }

    /** The writing thread's CPU in microseconds and the bytes it allocated, per row. */
    private static double[] lap(boolean utf8, String[] ids, int transaction) throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Path dir = Files.createTempDirectory("kube9-bind");
        try (Connection connection = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + dir.resolve("journal.db"),
                new Properties())) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA page_size = 16384");
                statement.execute("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, site TEXT NOT NULL,"
                        + " source TEXT NOT NULL, event_type TEXT NOT NULL, severity TEXT NOT NULL, event_id TEXT,"
                        + " aggregate_id TEXT, occurred_at INTEGER, recorded_at INTEGER NOT NULL,"
                        + " payload_bytes INTEGER, payload BLOB, thread TEXT)");
                statement.execute("CREATE INDEX events_recorded_at_type ON events(recorded_at, event_type)");
                statement.execute("CREATE INDEX events_aggregate_id ON events(id >> 8, aggregate_id)");
                statement.execute("PRAGMA journal_mode = WAL");
                statement.execute("PRAGMA synchronous = NORMAL");
            }
            connection.setAutoCommit(false);
            String text = utf8 ? "CAST(? AS TEXT)" : "?";
            String values = "(" + text + ", " + text + ", " + text + ", " + text + ", ?, ?, ?, ?, ?, NULL, " + text + ")";
            StringBuilder sql = new StringBuilder("INSERT INTO events (site, source, event_type, severity, event_id,"
                    + " aggregate_id, occurred_at, recorded_at, payload_bytes, payload, thread) VALUES ");
            for (int i = 0; i < ROWS_PER_STATEMENT; i++) {
                sql.append(i == 0 ? "" : ", ").append(values);
            }
            Map<String, byte[]> encoded = new HashMap<>();
            long now = System.currentTimeMillis();
            long cpu = threads.getCurrentThreadCpuTime();
            long allocated = threads.getCurrentThreadAllocatedBytes();
            try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
                int row = 0;
                while (row + ROWS_PER_STATEMENT <= ids.length) {
                    for (int i = 0; i < ROWS_PER_STATEMENT; i++, row++) {
                        int at = i * 10;
                        bind(insert, at + 1, "store", utf8, encoded);
                        bind(insert, at + 2, "io.kube9.sample.store.SqliteEventStore#append", utf8, encoded);
                        bind(insert, at + 3, TYPES[row & 3], utf8, encoded);
                        bind(insert, at + 4, "info", utf8, encoded);
                        insert.setString(at + 5, ids[row]);
                        insert.setString(at + 6, "order-" + row % 1000);
                        insert.setLong(at + 7, now + row);
                        insert.setLong(at + 8, now + row);
                        insert.setLong(at + 9, 250);
                        bind(insert, at + 10, "HTTP-Dispatcher", utf8, encoded);
                    }
                    insert.executeUpdate();
                    if (row % transaction < ROWS_PER_STATEMENT) {
                        connection.commit();
                    }
                }
                connection.commit();
                return new double[] {(threads.getCurrentThreadCpuTime() - cpu) / 1000.0 / row,
                    (threads.getCurrentThreadAllocatedBytes() - allocated) / (double) row};
            }
        } finally {
            Report.deleteTree(dir);
        }
    }

    private static void bind(PreparedStatement insert, int index, String text, boolean utf8, Map<String, byte[]> encoded)
            throws SQLException {
        if (utf8) {
            insert.setBytes(index, encoded.computeIfAbsent(text, t -> t.getBytes(StandardCharsets.UTF_8)));
        } else {
            insert.setString(index, text);
        }
    }
}
