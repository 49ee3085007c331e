package io.kube9.agent.cli;

import java.sql.ResultSet;
import java.sql.SQLException;

/** One row of the journal's {@code events} table, as read. */
final class JournalRow {
    /** In table order; every query selects them this way so {@link #read} can use positions. */
    static final String COLUMNS = "id, site, source, event_type, severity, event_id, aggregate_id, occurred_at,"
            + " recorded_at, payload_bytes, payload, thread";

    final long id;
    final String site;
    final String source;
    final String eventType;
    final String severity;
    final String eventId;
    final String aggregateId;
    final Long occurredAt;
    final long recordedAt;
    final Long payloadBytes;
    final byte[] payload;
    final String thread;

    private JournalRow(ResultSet result) throws SQLException {
        id = result.getLong(1);
        site = result.getString(2);
        source = result.getString(3);
        eventType = result.getString(4);
        severity = result.getString(5);
        eventId = result.getString(6);
        aggregateId = result.getString(7);
        occurredAt = nullableLong(result, 8);
        recordedAt = result.getLong(9);
        payloadBytes = nullableLong(result, 10);
        payload = result.getBytes(11);
        thread = result.getString(12);
    }

    static JournalRow read(ResultSet result) throws SQLException {
        return new JournalRow(result);
    }

    private static Long nullableLong(ResultSet result, int column) throws SQLException {
        long value = result.getLong(column);
        return result.wasNull() ? null : value;
    }
}
