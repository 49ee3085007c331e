package io.kube9.sample.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * An {@link EventStore} in a SQLite file (WAL mode), appending to whatever the file already holds.
 *
 * <p>All writes go through one connection and are serialized, which SQLite requires anyway. After a
 * batch commits, it is handed to a listener (the projection dispatcher) while still holding the write
 * lock, so listeners see batches in exactly the order they were committed.
 *
 * <p>The store counts what it stored, so the service can report the truth independently of anything
 * observing it from outside.
 */
public class SqliteEventStore implements EventStore, AutoCloseable {

    private static final int BUSY_TIMEOUT_MILLIS = 5_000;

    private final Path file;
    private final Connection connection;
    private final Consumer<List<StoredEvent>> committedEventsListener;
    private final Map<String, LongAdder> storedEventsByType = new ConcurrentHashMap<>();
    private final LongAdder storedPayloadBytes = new LongAdder();
    private boolean closed;

    /**
     * Opens (creating if needed) the store in {@code file}.
     *
     * @param committedEventsListener receives every successfully committed batch, in commit order
     */
    public SqliteEventStore(Path file, Consumer<List<StoredEvent>> committedEventsListener) {
        this.file = file;
        this.committedEventsListener = committedEventsListener;
        this.connection = open(file);
    }

    private static Connection open(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // NORMAL is durable across application crashes in WAL mode; FULL would fsync every commit.
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        // A data source of this very sqlite-jdbc, rather than DriverManager, so that another copy of
        // the driver elsewhere in the JVM (e.g. an agent's) can never be picked up by accident.
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            Connection connection = dataSource.getConnection();
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("""
                        CREATE TABLE IF NOT EXISTS stored_events (
                            position     INTEGER PRIMARY KEY AUTOINCREMENT,
                            id           TEXT    NOT NULL UNIQUE,
                            aggregate_id TEXT    NOT NULL,
                            event_type   TEXT    NOT NULL,
                            occurred_at  TEXT    NOT NULL,
                            payload      BLOB    NOT NULL
                        )""");
                statement.executeUpdate("CREATE INDEX IF NOT EXISTS stored_events_by_aggregate "
                        + "ON stored_events (aggregate_id, position)");
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            return connection;
        } catch (SQLException e) {
            throw new EventStoreException("cannot open event store " + file, e);
        }
    }

    /** Convenience for a single event; counted once, as it is just a batch of one. */
    public void append(StoredEvent event) {
        append(List.of(event));
    }

    @Override
    public synchronized void append(List<StoredEvent> events) {
        // Copied before committing: the batch is later read on the dispatcher thread.
        List<StoredEvent> batch = List.copyOf(events);
        if (batch.isEmpty()) {
            return;
        }
        ensureOpen();
        try {
            insertInOneTransaction(batch);
        } catch (SQLException e) {
            throw new EventStoreException("cannot append " + batch.size() + " event(s) to " + file, e);
        }
        for (StoredEvent event : batch) {
            storedEventsByType.computeIfAbsent(event.eventType(), type -> new LongAdder()).increment();
            storedPayloadBytes.add(event.payload().length);
        }
        committedEventsListener.accept(batch);
    }

    private void insertInOneTransaction(List<StoredEvent> batch) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO stored_events (id, aggregate_id, event_type, occurred_at, payload) "
                        + "VALUES (?, ?, ?, ?, ?)")) {
            for (StoredEvent event : batch) {
                insert.setString(1, event.id());
                insert.setString(2, event.aggregateId());
                insert.setString(3, event.eventType());
                // ISO-8601 text round-trips an Instant exactly and stays readable in the sqlite3 shell.
                insert.setString(4, event.occurredAt().toString());
                insert.setBytes(5, event.payload());
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private void rollbackQuietly(Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    @Override
    public synchronized List<StoredEvent> load(String aggregateId) {
        ensureOpen();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT id, aggregate_id, event_type, occurred_at, payload FROM stored_events "
                        + "WHERE aggregate_id = ? ORDER BY position")) {
            query.setString(1, aggregateId);
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(new StoredEvent(rows.getString(1), rows.getString(2), rows.getString(3),
                            Instant.parse(rows.getString(4)), rows.getBytes(5)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new EventStoreException("cannot load events of " + aggregateId + " from " + file, e);
        }
    }

    /** Events successfully appended by this instance, by event type (sorted by type). */
    public Map<String, Long> storedEventCounts() {
        Map<String, Long> counts = new TreeMap<>();
        storedEventsByType.forEach((type, count) -> counts.put(type, count.sum()));
        return counts;
    }

    /** Sum of payload sizes of the events successfully appended by this instance. */
    public long storedPayloadBytes() {
        return storedPayloadBytes.sum();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("event store " + file + " is closed");
        }
    }

    /** Closes the connection; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connection.close();
        } catch (SQLException e) {
            throw new EventStoreException("cannot close event store " + file, e);
        }
    }
}
