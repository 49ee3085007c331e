package io.kube9.agent.cli;

import static io.kube9.agent.cli.TestJournal.T0;
import static io.kube9.agent.cli.TestJournal.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
    void aPayloadThatIsTextIsShownAsTextAndOneCutByTheCapSaysSo() throws Exception {
        long message;
        long capped;
        try (TestJournal journal = TestJournal.create(Files.createDirectory(directory.resolve("text")))) {
            db = journal.path.toString();
            message = journal.insert(row().type("BackOff")
                    .payload("Back-off restarting failed container".getBytes(StandardCharsets.UTF_8)));
            byte[] euros = "€€€".getBytes(StandardCharsets.UTF_8); // 9 bytes: the cap cut the third
            capped = journal.insert(row().type("Priced").payload(Arrays.copyOf(euros, 7)).payloadBytes(9L));
        }

        CliRun table = CliRun.run("query", "events", "get", Long.toString(message), "--db", db);
        CliRun json = CliRun.run("query", "events", "get", Long.toString(message), "--db", db, "--format", "json");
        CliRun cut = CliRun.run("query", "events", "get", Long.toString(capped), "--db", db);

        assertThat(table.lines()).as(table.toString()).contains("payload:       Back-off restarting failed container");
        assertThat(json.out).contains("\"payload_text\": \"Back-off restarting failed container\"");
        assertThat(cut.lines()).as(cut.toString()).contains("payload:       €€ [the first 7 of 9 bytes]");
    }

    @Test
    void aBinaryPayloadHasNoText() {
        CliRun json = CliRun.run("query", "events", "get", Long.toString(id), "--db", db, "--format", "json");

        assertThat(json.out).contains("\"payload\": \"AQID\"").doesNotContain("payload_text");
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
