package io.kube9.agent.cli;

import io.kube9.agent.journal.JournalSchema;
import io.kube9.agent.journal.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** A real journal file, created as the agent creates it, with rows inserted by plain SQL. */
final class TestJournal implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-22T03:00:00Z");

    final Path path;
    private final Connection connection;

    private TestJournal(Path path, Connection connection) {
        this.path = path;
        this.connection = connection;
    }

    static TestJournal create(Path directory) throws SQLException {
        Path path = directory.resolve("kube9-events.db");
        Connection connection = Sqlite.openForWriting(path.toString());
        JournalSchema.migrate(connection, path.toString());
        Sqlite.useWriteAheadLog(connection); // as the agent's writer does: readers and the writer overlap
        return new TestJournal(path, connection);
    }

    /** The journal {@link #create} made in {@code directory}, opened again to write more. */
    static TestJournal open(Path directory) throws SQLException {
        Path path = directory.resolve("kube9-events.db");
        return new TestJournal(path, Sqlite.openForWriting(path.toString()));
    }

    static Row row() {
        return new Row();
    }

    long insert(Row row) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO events (site, source, event_type,"
                + " severity, event_id, aggregate_id, occurred_at, recorded_at, payload_bytes, payload, thread)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, row.site);
            insert.setString(2, row.source);
            insert.setString(3, row.type);
            insert.setString(4, row.severity);
            insert.setString(5, row.eventId);
            insert.setString(6, row.aggregateId);
            insert.setObject(7, row.occurredAt == null ? null : row.occurredAt.toEpochMilli());
            insert.setLong(8, row.recordedAt.toEpochMilli());
            insert.setObject(9, row.payloadBytes);
            insert.setBytes(10, row.payload);
            insert.setString(11, row.thread);
            insert.executeUpdate();
        }
        try (PreparedStatement last = connection.prepareStatement("SELECT last_insert_rowid()");
                ResultSet result = last.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Deletes the row {@code id}, as retention does. */
    void delete(long id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM events WHERE id = ?")) {
            delete.setLong(1, id);
            delete.executeUpdate();
        }
    }

    /** Inserts {@code rows} in one transaction, as the agent's writer commits a batch. */
    void insertBatch(List<Row> rows) throws SQLException {
        connection.setAutoCommit(false);
        try {
            for (Row row : rows) {
                insert(row);
            }
            connection.commit();
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * {@code count} copies of {@code row} in one statement, recorded a millisecond apart from its
     * time: many rows at once, without a statement each.
     */
    void insertCopies(Row row, int count) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL"
                + " SELECT i + 1 FROM n WHERE i + 1 < ?) INSERT INTO events (site, source, event_type, severity,"
                + " event_id, aggregate_id, occurred_at, recorded_at, payload_bytes, payload, thread)"
                + " SELECT ?, ?, ?, ?, ?, ?, ?, ? + i, ?, ?, ? FROM n")) {
            insert.setInt(1, count);
            insert.setString(2, row.site);
            insert.setString(3, row.source);
            insert.setString(4, row.type);
            insert.setString(5, row.severity);
            insert.setString(6, row.eventId);
            insert.setString(7, row.aggregateId);
            insert.setObject(8, row.occurredAt == null ? null : row.occurredAt.toEpochMilli());
            insert.setLong(9, row.recordedAt.toEpochMilli());
            insert.setObject(10, row.payloadBytes);
            insert.setBytes(11, row.payload);
            insert.setString(12, row.thread);
            insert.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    static final class Row {
        String site = "recorder";
        String source = "com.example.orders.OrderEventRecorder#record";
        String type = "OrderPlaced";
        String severity = "info";
        String eventId;
        String aggregateId;
        Instant occurredAt;
        Instant recordedAt = T0;
        Long payloadBytes;
        byte[] payload;
        String thread = "main";

        Row site(String value) {
            site = value;
            return this;
        }

        Row source(String value) {
            source = value;
            return this;
        }

        Row type(String value) {
            type = value;
            return this;
        }

        Row severity(String value) {
            severity = value;
            return this;
        }

        Row eventId(String value) {
            eventId = value;
            return this;
        }

        Row aggregate(String value) {
            aggregateId = value;
            return this;
        }

        Row occurredAt(Instant value) {
            occurredAt = value;
            return this;
        }

        Row recordedAt(Instant value) {
            recordedAt = value;
            return this;
        }

        Row payload(byte[] value) {
            payload = value;
            payloadBytes = (long) value.length;
            return this;
        }

        Row payloadBytes(long value) {
            payloadBytes = value;
            return this;
        }

        Row thread(String value) {
            thread = value;
            return this;
        }
    }
}
