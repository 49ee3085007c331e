package io.kube9.agent.cli;

import static io.kube9.agent.cli.TestJournal.T0;
import static io.kube9.agent.cli.TestJournal.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
    void aWindowOfHoursAndMinutesIsGivenAsStatsPrintsIt() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            journal.insert(row().type("Compound").recordedAt(Instant.now().minus(Duration.ofMinutes(89))));
            journal.insert(row().type("Compound").recordedAt(Instant.now().minus(Duration.ofMinutes(91))));
        }

        CliRun run = CliRun.run("query", "events", "stats", "--db", db, "--type", "Compound", "--since", "1h30m");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("(1h30m)").contains("events   1 (");
    }

    @Test
    void withOnlyUntilTheWindowIsTheHourBeforeIt() {
        CliRun run = CliRun.run("query", "events", "stats", "--db", db, "--until", "2026-11-22T04:00:00Z");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("window   2026-11-22T03:00:00.000Z .. 2026-11-22T04:00:00.000Z (1h)")
                .contains("events   10 (");

        CliRun relative = CliRun.run("query", "events", "stats", "--db", db, "--until", "2h");
        assertThat(relative.exitCode).as(relative.toString()).isZero();
        assertThat(relative.out).contains("(1h)");

        CliRun earliest = CliRun.run("query", "events", "stats", "--db", db, "--until=-292275055-05-16T16:47:04.192Z");
        assertThat(earliest.exitCode).as(earliest.toString()).isEqualTo(2);
        assertThat(earliest.err).startsWith("kube9: --until (").contains("give --since too");
    }

    @Test
    void anEmptyWindowSaysZero() {
        CliRun run = CliRun.run("query", "events", "stats", "--db", db, "--since", "2020-01-01", "--until",
                "2020-01-02");

        assertThat(run.exitCode).isZero();
        assertThat(run.out).contains("(1d)").contains("events   0 (0/s)");
    }

    @Test
    void queriesInOneReadTransactionIgnoreWhatIsCommittedBetweenThem() throws Exception {
        try (TestJournal writer = TestJournal.create(directory);
                JournalReader reader = JournalReader.open(writer.path)) {
            long[] counts = reader.inOneReadTransaction(() -> {
                long before = reader.count(EventFilter.ALL);
                insert(writer, row().type("CommittedBetween"));
                return new long[] {before, reader.count(EventFilter.ALL),
                    reader.countBy("event_type", EventFilter.ALL).getOrDefault("CommittedBetween", 0L)};
            });

            assertThat(counts).containsExactly(11, 11, 0);
            assertThat(reader.count(EventFilter.ALL)).as("the next read sees the row").isEqualTo(12);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void countsAddUpWhileTheJournalIsWritten() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        AtomicLong batches = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (TestJournal journal = TestJournal.create(directory)) {
                String[] severities = {"info", "warning", "error"};
                for (int n = 0; writing.get(); n++) {
                    List<TestJournal.Row> batch = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        batch.add(row().type("Type" + (n + i) % 7).severity(severities[(n + i) % 3])
                                .site(i % 2 == 0 ? "store" : "recorder").recordedAt(T0.plusSeconds(i)));
                    }
                    journal.insertBatch(batch);
                    batches.incrementAndGet();
                    Thread.sleep(2); // a steady stream of commits, not a table that outgrows the test
                }
            } catch (Throwable t) {
                writeFailure.set(t);
            }
        }, "journal-writer");
        writer.start();
        try {
            long batchesBefore = batches.get();
            for (int run = 0; run < 30; run++) {
                CliRun stats = CliRun.run(args("--db", db, "--format", "json"));
                assertThat(stats.exitCode).as(stats.toString()).isZero();
                String json = stats.out.replaceAll("\\s+", "");
                long total = firstNumber(json, "\"total\":(\\d+)");
                for (String group : List.of("by_event_type", "by_severity", "by_site")) {
                    assertThat(sumOfCounts(json, group)).as("run %d: %s against total %d", run, group, total)
                            .isEqualTo(total);
                }
            }
            assertThat(batches.get() - batchesBefore).as("batches committed while stats ran").isGreaterThan(10);
        } finally {
            writing.set(false);
            writer.join(10_000);
        }
        assertThat(writeFailure.get()).isNull();
    }

    private static void insert(TestJournal journal, TestJournal.Row row) {
        try {
            journal.insert(row);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static long firstNumber(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as(text).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static long sumOfCounts(String json, String group) {
        Matcher section = Pattern.compile("\"" + group + "\":\\[(.*?)]").matcher(json);
        assertThat(section.find()).as(json).isTrue();
        Matcher count = Pattern.compile("\"count\":(\\d+)").matcher(section.group(1));
        long sum = 0;
        while (count.find()) {
            sum += Long.parseLong(count.group(1));
        }
        return sum;
    }

    @Test
    void aWindowOverEveryTimeTheJournalCanHoldIsCountedNotAnOverflow() {
        CliRun run = CliRun.run("query", "events", "stats", "--db", db, "--since", "-292275055-05-16T16:47:04.192Z",
                "--until", "+292278994-08-17T07:12:55.807Z", "--format", "json");

        assertThat(run.exitCode).as(run.err).isZero(); // before: half a report, then an ArithmeticException
        assertThat(run.out).contains("\"seconds\": 18446744073709551.615");
        assertThat(run.err).isEmpty();
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
