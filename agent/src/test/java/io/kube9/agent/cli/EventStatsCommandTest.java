package io.kube9.agent.cli;

import static io.kube9.agent.cli.TestJournal.T0;
import static io.kube9.agent.cli.TestJournal.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStatsCommandTest {
    private static final String[] WINDOW = {"--since", "2026-11-22T03:00:00Z", "--until", "2026-11-22T04:00:00Z"};

    @TempDir
    Path directory;

    private String db;

    /** In the hour from T0: 6 OrderPlaced (store), 3 PaymentFailed (error), 1 OrderShipped; one row after it. */
    @BeforeEach
    void rows() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            db = journal.path.toString();
            for (int i = 0; i < 6; i++) {
                journal.insert(row().site("store").type("OrderPlaced").recordedAt(T0.plusSeconds(i * 60)));
            }
            for (int i = 0; i < 3; i++) {
                journal.insert(row().type("PaymentFailed").severity("error").recordedAt(T0.plusSeconds(600 + i)));
            }
            journal.insert(row().type("OrderShipped").recordedAt(T0.plusSeconds(3599)));
            journal.insert(row().type("OrderShipped").recordedAt(T0.plusSeconds(3600)));
        }
    }

    @Test
    void tableCountsPerTypeSeverityAndSiteWithRates() {
        CliRun run = CliRun.run(args("--db", db));

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("window   2026-11-22T03:00:00.000Z .. 2026-11-22T04:00:00.000Z (1h)")
                .contains("events   10 (0.002778/s)");
        assertThat(run.lines()).contains(
                "EVENT_TYPE     EVENTS  PER_SECOND  SHARE",
                "OrderPlaced         6    0.001667  60.0%",
                "PaymentFailed       3   0.0008333  30.0%",
                "OrderShipped        1   0.0002778  10.0%",
                "SEVERITY  EVENTS  PER_SECOND  SHARE",
                "info           7    0.001944  70.0%",
                "error          3   0.0008333  30.0%",
                "SITE      EVENTS  PER_SECOND  SHARE",
                "store          6    0.001667  60.0%",
                "recorder       4    0.001111  40.0%");
    }

    @Test
    void jsonHasTheSameNumbers() {
        CliRun run = CliRun.run(args("--db", db, "--format", "json"));

        assertThat(run.exitCode).as(run.toString()).isZero();
        String compact = run.out.replaceAll("\\s+", "");
        assertThat(compact).startsWith("{\"window\":{\"since\":\"2026-11-22T03:00:00.000Z\","
                + "\"until\":\"2026-11-22T04:00:00.000Z\",\"seconds\":3600},\"total\":10,\"per_second\":0.002778,")
                .contains("\"by_event_type\":[{\"event_type\":\"OrderPlaced\",\"count\":6,\"per_second\":0.001667},")
                .contains("\"by_severity\":[{\"severity\":\"info\",\"count\":7,")
                .contains("\"by_site\":[{\"site\":\"store\",\"count\":6,\"per_second\":0.001667},"
                        + "{\"site\":\"recorder\",\"count\":4,\"per_second\":0.001111}]}");
    }

    @Test
    void filtersNarrowTheCounts() {
        CliRun run = CliRun.run(args("--db", db, "--site", "recorder", "--format", "json"));

        assertThat(run.out.replaceAll("\\s+", "")).contains("\"total\":4,")
                .contains("\"by_site\":[{\"site\":\"recorder\",\"count\":4,");
    }

    @Test
    void theDefaultWindowIsTheLastHour() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            journal.insert(row().type("JustNow").recordedAt(Instant.now().minusSeconds(5)));
            journal.insert(row().type("JustNow").recordedAt(Instant.now().minus(Duration.ofMinutes(59))));
            journal.insert(row().type("JustNow").recordedAt(Instant.now().minus(Duration.ofMinutes(61))));
        }

        CliRun run = CliRun.run("query", "events", "stats", "--db", db, "--type", "JustNow");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("(1h)").contains("events   2 (");
    }

    @Test
    void anEmptyWindowSaysZero() {
        CliRun run = CliRun.run("query", "events", "stats", "--db", db, "--since", "2020-01-01", "--until",
                "2020-01-02");

        assertThat(run.exitCode).isZero();
        assertThat(run.out).contains("(1d)").contains("events   0 (0/s)");
    }

    @Test
    void ratesRoundToFourSignificantDigits() {
        assertThat(EventStatsCommand.perSecond(2000, Duration.ofHours(1)))
                .isEqualByComparingTo(new BigDecimal("0.5556"));
        assertThat(EventStatsCommand.perSecond(10, Duration.ofDays(7)).toPlainString()).isEqualTo("0.00001653");
        assertThat(EventStatsCommand.perSecond(5_000_000, Duration.ofSeconds(1)).toPlainString()).isEqualTo("5000000");
        assertThat(EventStatsCommand.perSecond(5, Duration.ZERO)).isEqualByComparingTo(BigDecimal.ZERO);
    }

    private static String[] args(String... more) {
        String[] args = new String[3 + WINDOW.length + more.length];
        args[0] = "query";
        args[1] = "events";
        args[2] = "stats";
        System.arraycopy(WINDOW, 0, args, 3, WINDOW.length);
        System.arraycopy(more, 0, args, 3 + WINDOW.length, more.length);
        return args;
    }
}
