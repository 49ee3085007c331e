package io.kube9.agent.cli;

import static io.kube9.agent.cli.TestJournal.T0;
import static io.kube9.agent.cli.TestJournal.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GetEventCommandTest {
    @TempDir
    Path directory;

    private String db;
    private long id;

    @BeforeEach
    void oneRow() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            db = journal.path.toString();
            id = journal.insert(row().site("store").source("com.example.orders.OrderEventStore#append")
                    .type("OrderPlaced").eventId("evt-42").aggregate("order-7").occurredAt(T0.minusMillis(1500))
                    .payload(new byte[] {1, 2, 3}).thread("http-worker-3"));
        }
    }

    @Test
    void tableShowsEveryColumnOnItsOwnLine() {
        CliRun run = CliRun.run("query", "events", "get", Long.toString(id), "--db", db);

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.lines()).containsExactly(
                "id:            1",
                "site:          store",
                "source:        com.example.orders.OrderEventStore#append",
                "event_type:    OrderPlaced",
                "severity:      info",
                "event_id:      evt-42",
                "aggregate_id:  order-7",
                "occurred_at:   2026-11-22T02:59:58.500Z",
                "recorded_at:   2026-11-22T03:00:00.000Z",
                "payload_bytes: 3",
                "payload:       3 bytes stored",
                "thread:        http-worker-3");
    }

    @Test
    void jsonIsTheSameObjectAsInList() {
        CliRun run = CliRun.run("query", "events", "get", Long.toString(id), "--db", db, "--format", "json");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).startsWith("{\n  \"id\": 1,\n  \"site\": \"store\",")
                .contains("\"payload_bytes\": 3,\n  \"payload\": \"AQID\",\n  \"thread\": \"http-worker-3\"\n}");
    }

    @Test
    void aMissingIdIsAFailureWithOneLine() {
        CliRun run = CliRun.run("query", "events", "get", "999", "--db", db);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.out).isEmpty();
        assertThat(run.err).startsWith("kube9: no event with id 999 in " + db).hasLineCount(1);
    }

    @Test
    void aNonNumericIdIsAUsageError() {
        CliRun run = CliRun.run("query", "events", "get", "abc", "--db", db);

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).startsWith("kube9: Invalid value for positional parameter at index 0 (ID): 'abc'")
                .hasLineCount(1);
    }

    @Test
    void aMissingIdArgumentIsAUsageError() {
        CliRun run = CliRun.run("query", "events", "get", "--db", db);

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).startsWith("kube9: Missing required parameter: 'ID'").hasLineCount(1);
    }
}
