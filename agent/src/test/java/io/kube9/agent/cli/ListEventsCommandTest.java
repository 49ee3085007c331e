package io.kube9.agent.cli;

import static io.kube9.agent.cli.TestJournal.T0;
import static io.kube9.agent.cli.TestJournal.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ListEventsCommandTest {
    @TempDir
    Path directory;

    private String db;

    /**
     * Ten rows, one a minute from T0: ids 1..10; even ids are store rows of OrderPlaced, odd ids
     * recorder rows alternating OrderShipped (info) and PaymentFailed (error).
     */
    @BeforeEach
    void tenRows() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            db = journal.path.toString();
            for (int i = 1; i <= 10; i++) {
                TestJournal.Row row = row().recordedAt(T0.plus(Duration.ofMinutes(i - 1)))
                        .aggregate("order-" + (i % 3));
                if (i % 2 == 0) {
                    row.site("store").source("com.example.orders.OrderEventStore#append").type("OrderPlaced");
                } else if (i % 4 == 1) {
                    row.type("OrderShipped");
                } else {
                    row.type("PaymentFailed").severity("error");
                }
                journal.insert(row);
            }
        }
    }

    @Test
    void tableIsNewestFirstWithAlignedColumnsAndAPageSummary() {
        CliRun run = CliRun.run("query", "events", "list", "--db", db, "--limit", "3");

        assertThat(run.exitCode).as(run.toString()).isZero();
        String[] lines = run.lines();
        assertThat(lines[0]).startsWith("ID").contains("RECORDED_AT", "SITE", "EVENT_TYPE", "SEVERITY", "SOURCE");
        assertThat(lines[1]).startsWith("10  2026-11-22T03:09:00.000Z  store").contains("OrderEventStore#append");
        assertThat(lines[2]).startsWith(" 9  2026-11-22T03:08:00.000Z  recorder");
        assertThat(lines[3]).startsWith(" 8  ");
        assertThat(lines[1].indexOf("EventStore#")).isEqualTo(lines[3].indexOf("EventStore#"));
        assertThat(lines[4]).isEqualTo("1-3 of 10 matching events, newest first; next page: --offset 3");
        assertThat(run.err).isEmpty();
    }

    @Test
    void filtersCombine() {
        assertThat(ids("--type", "PaymentFailed")).containsExactly(7L, 3L);
        assertThat(ids("--type", "PaymentFailed,OrderShipped")).containsExactly(9L, 7L, 5L, 3L, 1L);
        assertThat(ids("--type", "PaymentFailed", "--type", "OrderShipped")).containsExactly(9L, 7L, 5L, 3L, 1L);
        assertThat(ids("--severity", "error")).containsExactly(7L, 3L);
        assertThat(ids("--site", "store")).containsExactly(10L, 8L, 6L, 4L, 2L);
        assertThat(ids("--site", "STORE", "--aggregate", "order-1")).containsExactly(10L, 4L);
        assertThat(ids("--source", "com.example.orders.OrderEventStore#append")).hasSize(5);
        assertThat(ids("--source", "*Recorder#*")).containsExactly(9L, 7L, 5L, 3L, 1L);
        assertThat(ids("--source", "OrderEventStore#append")).isEmpty();
        assertThat(ids("--since", "2026-11-22T03:07:00Z")).containsExactly(10L, 9L, 8L);
        assertThat(ids("--since", "2026-11-22T03:02:00Z", "--until", "2026-11-22T03:04:00Z")).containsExactly(4L, 3L);
        assertThat(ids("--since", "2026-11-22T04:02:00+01:00", "--until", "2026-11-22T03:04:00"))
                .containsExactly(4L, 3L);
        assertThat(ids("--until", "2026-11-22")).isEmpty();
        assertThat(ids("--since", "2026-11-22")).hasSize(10);
    }

    @Test
    void aTimeBetweenTwoMillisecondsIsCountedFromTheLater() {
        // Row 10 was recorded at 03:09:00.000: before 03:09:00.0005, so not --since it and within --until it.
        assertThat(ids("--since", "2026-11-22T03:09:00.0005Z")).isEmpty(); // before: 10
        assertThat(ids("--since", "2026-11-22T03:08:59.999999Z")).containsExactly(10L);
        assertThat(ids("--since", "2026-11-22T03:08:00.000001Z", "--until", "2026-11-22T03:09:00.000001Z"))
                .containsExactly(10L); // before: nothing
        assertThat(ids("--until", "2026-11-22T03:00:00.0005Z")).containsExactly(1L); // before: nothing
        assertThat(ids("--until", "2026-11-22T03:00:00Z")).isEmpty();
    }

    @Test
    void severityMatchesInAnyCaseAndTypeOnlyExactly() throws Exception {
        long shouted;
        try (TestJournal journal = TestJournal.create(directory)) {
            shouted = journal.insert(row().type("PaymentFailed").severity("ERROR") // a service's own text
                    .recordedAt(T0.plus(Duration.ofMinutes(10))));
        }

        assertThat(ids("--severity", "ERROR")).containsExactly(shouted, 7L, 3L);
        assertThat(ids("--severity", "error")).containsExactly(shouted, 7L, 3L);
        assertThat(ids("--severity", "Info,eRRor")).hasSize(11);
        assertThat(ids("--site", "Recorder", "--severity", "INFO")).containsExactly(9L, 5L, 1L);
        assertThat(ids("--type", "PaymentFailed")).containsExactly(shouted, 7L, 3L);
        assertThat(ids("--type", "paymentfailed")).isEmpty();
        assertThat(ids("--type", "PAYMENTFAILED,OrderShipped")).containsExactly(9L, 5L, 1L);
        assertThat(CliRun.run("query", "events", "list", "--help").out)
                .contains("Exact,", "case included").contains("severities, in any case");
    }

    @Test
    void aCommaWithinATypeIsWrittenWithABackslash() throws Exception {
        long comma;
        long backslash;
        long backslashes;
        try (TestJournal journal = TestJournal.create(directory)) {
            comma = journal.insert(row().type("order,placed").recordedAt(T0.plus(Duration.ofMinutes(10))));
            backslash = journal.insert(row().type("C:\\").recordedAt(T0.plus(Duration.ofMinutes(11))));
            backslashes = journal.insert(row().type("x\\\\y").recordedAt(T0.plus(Duration.ofMinutes(12))));
        }

        assertThat(ids("--type", "order\\,placed")).containsExactly(comma);
        assertThat(ids("--type", "order\\,placed,PaymentFailed")).containsExactly(comma, 7L, 3L);
        assertThat(ids("--type", "C:\\\\,order\\,placed")).containsExactly(backslash, comma);
        assertThat(ids("--type", "order,placed")).as("two types, neither there").isEmpty();
        assertThat(ids("--type", "x\\\\y")).as("a backslash not before a comma is itself").containsExactly(backslashes);
        assertThat(CliRun.run("query", "events", "list", "--help").out).contains("\\, for a", "comma within a type");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--type     | ','",
        "--type     | ''",
        "--type     | 'OrderPlaced,'",
        "--type     | 'OrderPlaced,,OrderShipped'",
        "--severity | ',error'",
        "--site     | 'store,'",
    })
    void anEmptyValueInAListIsAUsageError(String option, String value) {
        for (String command : new String[] {"list", "stats", "tail"}) {
            CliRun run = CliRun.run("query", "events", command, "--db", db, option, value);

            assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
            assertThat(run.out).isEmpty();
            assertThat(run.err).isEqualTo("kube9: Invalid value for option '" + option + "': an empty value in \""
                    + value + "\" (give one or more values, separated by commas) (see 'java -jar kube9-agent.jar"
                    + " query events " + command + " --help')" + System.lineSeparator());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--aggregate", "--source"})
    void anEmptySingleValueIsAUsageErrorNotAnEmptyResult(String option) {
        for (String command : new String[] {"list", "stats", "tail"}) {
            CliRun run = CliRun.run("query", "events", command, "--db", db, option, "");

            assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
            assertThat(run.out).isEmpty();
            assertThat(run.err).startsWith("kube9: Invalid value for option '" + option + "': empty (an unset shell"
                    + " variable?); leave the option out to match every row");
        }
    }

    @Test
    void relativeTimesCountBackFromNow() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            long recent = journal.insert(row().type("Recent").recordedAt(Instant.now().minusSeconds(30)));
            journal.insert(row().type("HourOld").recordedAt(Instant.now().minus(Duration.ofMinutes(61))));

            // The fixed rows at T0 may lie in the past or the future of the machine's clock.
            String both = "--type=Recent,HourOld";
            assertThat(ids(both, "--since", "90s")).containsExactly(recent);
            assertThat(ids(both, "--since", "2h", "--until", "15m")).hasSize(1).doesNotContain(recent);
            assertThat(ids(both, "--since", "7d")).hasSize(2);
            assertThat(ids(both, "--until", "now")).hasSize(2);
        }
    }

    @Test
    void jsonHasTheEventsAndPaginationOverAllMatchingRows() {
        CliRun run = CliRun.run("query", "events", "list", "--db", db, "--format", "json", "--site", "recorder",
                "--limit", "2", "--offset", "1");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).startsWith("{\"events\":[").endsWith(
                "],\"pagination\":{\"total\":5,\"limit\":2,\"offset\":1,\"returned\":2}}" + System.lineSeparator());
        assertThat(run.out).contains("{\"id\":7,\"site\":\"recorder\","
                + "\"source\":\"com.example.orders.OrderEventRecorder#record\",\"event_type\":\"PaymentFailed\","
                + "\"severity\":\"error\",\"event_id\":null,\"aggregate_id\":\"order-1\",\"occurred_at\":null,"
                + "\"recorded_at\":\"2026-11-22T03:06:00.000Z\",\"payload_bytes\":null,\"thread\":\"main\"}");
        assertThat(jsonIds(run.out)).containsExactly(7L, 5L);
    }

    @Test
    void jsonOfAnEmptyPageIsStillTheEnvelope() {
        CliRun run = CliRun.run("query", "events", "list", "--db", db, "--format", "json", "--offset", "50");

        assertThat(run.out.trim())
                .isEqualTo("{\"events\":[],\"pagination\":{\"total\":10,\"limit\":50,\"offset\":50,\"returned\":0}}");
    }

    @Test
    void payloadIsBase64AndTextInJsonAndOnlyASizeElsewhere() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            byte[] payload = "{\"sku\":\"A-1\"}".getBytes(StandardCharsets.UTF_8);
            long id = journal.insert(row().type("WithPayload").payload(payload)
                    .occurredAt(Instant.parse("2026-11-22T02:59:59.5Z")).eventId("evt-1"));
            journal.insert(row().type("SizeOnly").payloadBytes(4096));

            CliRun json = CliRun.run("query", "events", "list", "--db", db, "--format", "json", "--type",
                    "WithPayload,SizeOnly");
            assertThat(json.out).contains("\"id\":" + id + ",").contains("\"occurred_at\":\"2026-11-22T02:59:59.500Z\"")
                    .contains("\"payload_bytes\":13,\"payload\":\"eyJza3UiOiJBLTEifQ==\","
                            + "\"payload_text\":\"{\\\"sku\\\":\\\"A-1\\\"}\",\"thread\"")
                    .contains("\"payload_bytes\":4096,\"thread\"");

            CliRun table = CliRun.run("query", "events", "list", "--db", db, "--type", "WithPayload,SizeOnly");
            assertThat(table.out).contains("13 B").contains("4096 B").doesNotContain("sku");
        }
    }

    @Test
    void csvHasAHeaderAndQuotesFieldsThatNeedIt() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            journal.insert(row().type("Odd, \"quoted\" type").aggregate("line\nbreak").thread(" padded")
                    .recordedAt(T0.plusSeconds(3600)));
        }

        CliRun run = CliRun.run("query", "events", "list", "--db", db, "--format", "csv", "--limit", "2");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).startsWith("id,site,source,event_type,severity,event_id,aggregate_id,occurred_at,"
                + "recorded_at,payload_bytes,thread" + System.lineSeparator());
        assertThat(run.out).contains("11,recorder,com.example.orders.OrderEventRecorder#record,"
                + "\"Odd, \"\"quoted\"\" type\",info,,\"line\nbreak\",,2026-11-22T04:00:00.000Z,,\" padded\"");
        assertThat(run.out).contains("10,store,com.example.orders.OrderEventStore#append,OrderPlaced,info,,order-1,,"
                + "2026-11-22T03:09:00.000Z,,main");
    }

    @Test
    void tableCutsLongCellsAndNeutralisesControlCharacters() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            journal.insert(row().type("T".repeat(200)).aggregate("evil\u001b[2Jname").recordedAt(T0.plusSeconds(3600)));
        }

        CliRun run = CliRun.run("query", "events", "list", "--db", db, "--limit", "1");

        assertThat(run.out).contains("T".repeat(45) + "...").doesNotContain("T".repeat(46))
                .contains("evil\\u001b[2Jname").doesNotContain("\u001b");
    }

    @Test
    void aCutCellKeepsAnEmojiWholeOrLeavesItOut() throws Exception {
        String rocket = "\uD83D\uDE80"; // U+1F680, two UTF-16 chars
        // 44 characters, then the emoji across the cut after the 45th character
        String type = "T".repeat(44) + rocket + "Tail";
        try (TestJournal journal = TestJournal.create(directory)) {
            journal.insert(row().type(type).aggregate("A".repeat(43) + rocket + "Tail")
                    .recordedAt(T0.plusSeconds(3600)));
        }

        CliRun list = CliRun.run("query", "events", "list", "--db", db, "--limit", "1");
        CliRun tail = CliRun.run("query", "events", "tail", "--db", db, "-n", "1");

        for (CliRun run : List.of(list, tail)) {
            assertThat(run.exitCode).as(run.toString()).isZero();
            // before: the emoji's first half alone, written as '?'
            assertThat(run.out).contains(" " + "T".repeat(44) + "... ").contains(" " + "A".repeat(43) + rocket + "... ")
                    .doesNotContain("?");
        }
    }

    @Test
    void theTotalAndThePageComeFromOneSnapshotOfALiveJournal() throws Exception {
        // Counted and paged in two reads, a batch committed in between was on the page and not in
        // the total: "1-238 of 237 matching events".
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Exception> failed = new AtomicReference<>();
        // Rows come and go as fast as they can (the agent writing, retention deleting), and never
        // more than a page holds, so that the page must hold the whole total.
        Thread writer = new Thread(() -> {
            try (TestJournal journal = TestJournal.open(directory)) {
                java.util.ArrayDeque<Long> live = new java.util.ArrayDeque<>();
                for (int i = 0; writing.get(); i++) {
                    live.add(journal.insert(row().type("Live").recordedAt(T0.plusSeconds(3600 + i))));
                    if (live.size() > 800) {
                        journal.delete(live.poll());
                    }
                }
            } catch (Exception e) {
                failed.set(e);
            }
        });
        writer.start();
        Pattern pagination = Pattern.compile("\"pagination\":\\{\"total\":(\\d+),\"limit\":1000,\"offset\":0,"
                + "\"returned\":(\\d+)}");
        try {
            for (int run = 0; run < 60; run++) {
                CliRun list = CliRun.run("query", "events", "list", "--db", db, "--type", "Live", "--limit", "1000",
                        "--format", "json");
                assertThat(list.exitCode).as(list.toString()).isZero();
                Matcher page = pagination.matcher(list.out);
                assertThat(page.find()).as(list.out).isTrue();
                assertThat(Long.parseLong(page.group(2))).as("run %d", run).isEqualTo(Long.parseLong(page.group(1)));
            }
        } finally {
            writing.set(false);
            writer.join();
        }
        assertThat(failed.get()).isNull();
    }

    @Test
    void limitAboveTheMaximumIsAUsageError() {
        CliRun run = CliRun.run("query", "events", "list", "--db", db, "--limit", "1001");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.out).isEmpty();
        assertThat(run.err).startsWith("kube9: --limit must be from 0 to 1000, found 1001").hasLineCount(1);
    }

    @Test
    void limitZeroCountsOnly() {
        CliRun run = CliRun.run("query", "events", "list", "--db", db, "--limit", "0", "--type", "OrderPlaced");

        assertThat(run.out.trim()).isEqualTo("5 matching events");
    }

    @Test
    void badTimesAreUsageErrors() {
        CliRun run = CliRun.run("query", "events", "list", "--db", db, "--since", "yesterday");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).startsWith("kube9: Invalid value for option '--since': expected an ISO-8601 time")
                .contains("found \"yesterday\"").hasLineCount(1);

        CliRun reversed = CliRun.run("query", "events", "list", "--db", db, "--since", "1h", "--until", "2h");
        assertThat(reversed.exitCode).isEqualTo(2);
        assertThat(reversed.err).startsWith("kube9: --since (").contains(") is after --until (").hasLineCount(1);
    }

    @ParameterizedTest
    @CsvSource({
        "--since, -999999999-01-01T00:00:00Z, expected a time from -292275055-05-16T16:47:04.192Z to",
        "--until, +999999999-01-01T00:00:00Z, expected a time from -292275055-05-16T16:47:04.192Z to",
        "--since, 999999999999d, '\"999999999999d\" reaches too far into the past (the earliest time'",
    })
    void aTimeBeyondWhatTheJournalCanHoldIsAUsageError(String option, String value, String message) {
        CliRun run = CliRun.run("query", "events", "list", "--db", db, option, value);

        assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
        assertThat(run.out).isEmpty();
        assertThat(run.err).startsWith("kube9: Invalid value for option '" + option + "': " + message)
                .contains("-292275055-05-16T16:47:04.192Z").hasLineCount(1);
    }

    @Test
    void unknownSiteNamesTheChoices() {
        CliRun run = CliRun.run("query", "events", "list", "--db", db, "--site", "projection");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).isEqualTo("kube9: Invalid value for option '--site': expected one of recorder, store"
                + " (in any case), found \"projection\" (see 'java -jar kube9-agent.jar query events list --help')"
                + System.lineSeparator());
    }

    @Test
    void noMatchSaysSo() {
        CliRun run = CliRun.run("query", "events", "list", "--db", db, "--type", "Nothing");

        assertThat(run.exitCode).isZero();
        assertThat(run.out.trim()).isEqualTo("no events match");
    }

    @Test
    void dbDefaultsToTheFileInTheWorkingDirectory() {
        CliRun run = CliRun.run("query", "events", "list", "--help");

        assertThat(run.exitCode).isZero();
        assertThat(run.out).contains("--db=PATH").contains("KUBE9_JOURNAL_PATH");
        if (System.getenv("KUBE9_JOURNAL_PATH") == null) {
            assertThat(run.out).contains("(default: kube9-events.db;");
        }
    }

    private List<Long> ids(String... filters) {
        List<String> args = new ArrayList<>(List.of("query", "events", "list", "--db", db, "--format", "json",
                "--limit", "1000"));
        args.addAll(List.of(filters));
        CliRun run = CliRun.run(args.toArray(new String[0]));
        assertThat(run.exitCode).as(run.toString()).isZero();
        return jsonIds(run.out);
    }

    private static List<Long> jsonIds(String json) {
        List<Long> ids = new ArrayList<>();
        Matcher matcher = Pattern.compile("\\{\"id\":(\\d+),").matcher(json);
        while (matcher.find()) {
            ids.add(Long.parseLong(matcher.group(1)));
        }
        return ids;
    }
}
