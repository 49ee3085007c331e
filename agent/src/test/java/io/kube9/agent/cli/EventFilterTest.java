package io.kube9.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

class EventFilterTest {
    @TempDir
    Path dir;

    @Test
    void anAggregateInATimeWindowIsFoundThroughItsOwnIndex() throws Exception {
        try (TestJournal journal = TestJournal.create(dir)) {
            for (int i = 0; i < 300; i++) {
                journal.insert(TestJournal.row().aggregate("order-" + (i % 50))
                        .recordedAt(TestJournal.T0.plusSeconds(i)));
            }
        }
        Instant since = TestJournal.T0.minusSeconds(3600);
        Instant until = TestJournal.T0.plusSeconds(3600);
        EventFilter byAggregate = new EventFilter(List.of(), List.of(), List.of(), null, "order-7", since, until);
        EventFilter byTime = new EventFilter(List.of(), List.of(), List.of(), null, null, since, until);

        try (Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + dir.resolve("kube9-events.db"))) {
            assertThat(plan(connection, byAggregate)).contains("events_aggregate_id").doesNotContain("events_recorded_at");
            assertThat(plan(connection, byTime)).contains("events_recorded_at_type");
            assertThat(count(connection, byAggregate)).isEqualTo(6);
        }
    }

    private static String plan(Connection connection, EventFilter filter) throws SQLException {
        SqlWhere where = filter.where();
        List<String> steps = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "EXPLAIN QUERY PLAN SELECT count(*) FROM events" + where.sql())) {
            where.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    steps.add(rows.getString("detail"));
                }
            }
        }
        return steps.toString();
    }

    private static long count(Connection connection, EventFilter filter) throws SQLException {
        SqlWhere where = filter.where();
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM events" + where.sql())) {
            where.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getLong(1) : -1;
            }
        }
    }
}
