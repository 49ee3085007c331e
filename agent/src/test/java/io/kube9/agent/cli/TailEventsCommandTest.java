package io.kube9.agent.cli;

import static io.kube9.agent.cli.TestJournal.T0;
import static io.kube9.agent.cli.TestJournal.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TailEventsCommandTest {
    /** Rows in {@link #theLastRowsAreReadABatchAtATime}: two batches and a half. */
    private static final int MANY = 2500;

    @TempDir
    Path directory;

    private String db;

    @BeforeEach
    void twelveRows() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            db = journal.path.toString();
            for (int i = 1; i <= 12; i++) {
                journal.insert(row().type(i % 2 == 0 ? "Even" : "Odd").aggregate("order-" + i)
                        .recordedAt(T0.plusSeconds(i)));
            }
        }
    }

    @Test
    void printsTheLastRowsOldestFirst() {
        CliRun run = CliRun.run("query", "events", "tail", "--db", db);

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.lines()).hasSize(10);
        assertThat(run.lines()[0]).isEqualTo("2026-11-22T03:00:03.000Z       3  recorder  Odd               info"
                + "      order-3       -  OrderEventRecorder#record");
        assertThat(run.lines()[9]).isEqualTo("2026-11-22T03:00:12.000Z      12  recorder  Even              info"
                + "      order-12      -  OrderEventRecorder#record");
    }

    @Test
    void columnsWidenForLongerValuesAndStayWide() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            journal.insert(row().type("AVeryLongEventTypeName").aggregate("x"));
        }

        String[] lines = CliRun.run("query", "events", "tail", "--db", db, "-n", "3").lines();

        assertThat(lines).hasSize(3);
        int source = lines[2].indexOf("OrderEventRecorder#record");
        assertThat(lines[0].indexOf("OrderEventRecorder#record")).isEqualTo(source);
        // "AVeryLongEventTypeName" is 22 characters: the type column is that wide on every line.
        assertThat(lines[1]).contains("  Even" + " ".repeat(22 - 4 + 2) + "info");
    }

    @Test
    void linesAndFiltersApplyToTheFirstRows() {
        CliRun run = CliRun.run("query", "events", "tail", "--db", db, "-n", "2", "--type", "Odd", "--format", "json");

        assertThat(run.lines()).hasSize(2);
        assertThat(run.lines()[0]).startsWith("{\"id\":9,").contains("\"event_type\":\"Odd\"");
        assertThat(run.lines()[1]).startsWith("{\"id\":11,");
    }

    /**
     * More rows than one {@link TailEventsCommand#BATCH}, so that the last N are read in several:
     * the ids printed are the last N matching, oldest first, in text and JSON alike, and the
     * text's columns are as wide from the first line as the widest value printed (a 40-character
     * type at id 1500, a 30-character aggregate at id 2500): the source column starts at the same
     * place on every line. Output as before the rows were read in batches.
     */
    @ParameterizedTest(name = "-n {0} {1}")
    @MethodSource("linesAndFilters")
    void theLastRowsAreReadABatchAtATime(int lines, String filter, IntPredicate matches) throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            List<TestJournal.Row> rows = new ArrayList<>();
            for (int id = 13; id <= MANY; id++) {
                rows.add(row().type(typeOf(id)).severity(severityOf(id)).site(siteOf(id)).aggregate(aggregateOf(id))
                        .recordedAt(T0.plusMillis(id)));
            }
            journal.insertBatch(rows);
        }
        List<Integer> matching = IntStream.rangeClosed(1, MANY).filter(matches).boxed().collect(Collectors.toList());
        List<Integer> expected = matching.subList(Math.max(0, matching.size() - lines), matching.size());
        List<String> args = new ArrayList<>(List.of("query", "events", "tail", "--db", db, "-n",
                Integer.toString(lines)));
        if (!filter.isEmpty()) {
            args.addAll(List.of(filter.split(" ")));
        }

        CliRun text = CliRun.run(args.toArray(new String[0]));
        args.addAll(List.of("--format", "json"));
        CliRun json = CliRun.run(args.toArray(new String[0]));

        assertThat(text.exitCode).as(text.toString()).isZero();
        assertThat(Arrays.stream(text.lines()).map(line -> Integer.valueOf(line.split(" +")[1])))
                .containsExactlyElementsOf(expected);
        assertThat(Arrays.stream(text.lines()).map(line -> line.indexOf("OrderEventRecorder#record")).distinct())
                .hasSizeLessThanOrEqualTo(1);
        assertThat(json.exitCode).as(json.toString()).isZero();
        assertThat(Arrays.stream(json.lines()).map(line -> Integer.valueOf(line.replaceFirst("^\\{\"id\":(\\d+),.*",
                "$1")))).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> linesAndFilters() {
        IntPredicate all = id -> true;
        return Stream.of(
                Arguments.of(0, "", all),
                Arguments.of(1, "", all),
                Arguments.of(10, "", all),
                Arguments.of(100, "", all),
                Arguments.of(101, "", all),
                Arguments.of(1000, "", all),
                Arguments.of(1001, "", all),
                Arguments.of(1499, "", all),
                Arguments.of(MANY, "", all),
                Arguments.of(MANY + 1, "", all),
                Arguments.of(100_000, "", all),
                Arguments.of(3, "--type Rare", (IntPredicate) id -> typeOf(id).equals("Rare")),
                Arguments.of(0, "--type Rare", (IntPredicate) id -> typeOf(id).equals("Rare")),
                Arguments.of(600, "--type Odd,Rare", (IntPredicate) id -> typeOf(id).matches("Odd|Rare")),
                Arguments.of(2000, "--severity ERROR --site store",
                        (IntPredicate) id -> severityOf(id).equals("error") && siteOf(id).equals("store")),
                Arguments.of(5, "--aggregate order-7", (IntPredicate) id -> id == 7),
                Arguments.of(5, "--type NoSuchType", (IntPredicate) id -> false));
    }

    /** Rows 1-12 are {@link #twelveRows}'s. */
    private static String typeOf(int id) {
        if (id <= 12) {
            return id % 2 == 0 ? "Even" : "Odd";
        }
        return id == 1500 ? "W".repeat(40) : id % 5 == 0 ? "Rare" : id % 2 == 0 ? "Even" : "Odd";
    }

    private static String severityOf(int id) {
        return id > 12 && id % 7 == 0 ? "error" : "info";
    }

    private static String siteOf(int id) {
        return id > 12 && id % 3 == 0 ? "store" : "recorder";
    }

    private static String aggregateOf(int id) {
        return id == MANY ? "a".repeat(30) : "order-" + id;
    }

    /**
     * tail read all N rows before printing one: in a heap of 16 MB, 30,000 rows of a kilobyte
     * (their thread names) ran out of memory. A batch at a time, they are all printed.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void moreRowsThanTheHeapHoldsArePrinted() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            journal.insertCopies(row().type("Big").thread("t".repeat(1000)).recordedAt(T0.plusSeconds(60)), 30_000);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path stderr = directory.resolve("stderr.txt");
        Process tail = new ProcessBuilder(java.toString(), "-Xmx16m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Cli.class.getName(),
                "query", "events", "tail", "--db", db, "-n", "100000").redirectError(stderr.toFile()).start();
        long lines = 0;
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(tail.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines++;
                last = line;
            }
        }

        assertThat(tail.waitFor()).as(Files.readString(stderr)).isZero(); // before: OutOfMemoryError, exit 1
        assertThat(lines).isEqualTo(12 + 30_000);
        assertThat(last).contains(" 30012  recorder  Big ");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void followPrintsNewRowsAsTheyAreWrittenUntilInterrupted() throws Exception {
        Follower follower = new Follower("--type", "Wanted,Even");
        awaitLines(follower.out, lines -> lines.length == 1 && lines[0].contains(" 12  recorder  Even"));

        try (TestJournal journal = TestJournal.create(directory)) {
            journal.insert(row().type("Wanted").aggregate("first"));
            journal.insert(row().type("Ignored"));
            journal.insert(row().type("Wanted").aggregate("second"));
            awaitLines(follower.out, lines -> lines.length == 3);
            List<TestJournal.Row> burst = new ArrayList<>();
            for (int i = 0; i < 1500; i++) { // more than one follow batch in one poll
                burst.add(row().type("Wanted").aggregate("burst-" + i));
            }
            journal.insertBatch(burst);
            awaitLines(follower.out, lines -> lines.length == 1503);
        }

        assertThat(follower.stop()).isZero();
        assertThat(follower.err.toString(Charset.defaultCharset())).isEmpty();
        String[] lines = follower.out.toString(Charset.defaultCharset()).split("\\R");
        assertThat(lines[1]).contains("   13  recorder  Wanted ").contains("first");
        assertThat(lines[2]).contains("   15  recorder  Wanted ").contains("second");
        assertThat(lines[1502]).contains("burst-1499");
        assertThat(Arrays.stream(lines).filter(line -> line.contains("Ignored"))).isEmpty();
        assertThat(Arrays.stream(lines).distinct()).hasSize(lines.length);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void followGoesOnWithTheJournalTheAgentStartsAgainAfterItsFileWasDeleted() throws Exception {
        Follower follower = new Follower("--format", "json");
        awaitLines(follower.out, lines -> lines.length == 1);

        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Paths.get(db + suffix));
        }
        Thread.sleep(200); // polls that find no file at all
        try (TestJournal journal = TestJournal.create(directory)) { // as the agent starts it again: ids from 1
            journal.insert(row().type("Again").aggregate("after-1"));
            journal.insert(row().type("Again").aggregate("after-2"));
            awaitLines(follower.out, lines -> lines.length == 3);
            journal.insert(row().type("Again").aggregate("after-3"));
            awaitLines(follower.out, lines -> lines.length == 4);
        }

        assertThat(follower.stop()).isZero();
        assertThat(follower.err.toString(Charset.defaultCharset())).isEqualTo("kube9: " + db
                + " is no longer the journal being followed (deleted or moved away); following the journal at that"
                + " path from its first row" + System.lineSeparator());
        String[] lines = follower.out.toString(Charset.defaultCharset()).split("\\R");
        assertThat(lines[0]).contains("\"id\":12");
        assertThat(lines[1]).contains("\"id\":1,").contains("after-1");
        assertThat(lines[2]).contains("\"id\":2,").contains("after-2");
        assertThat(lines[3]).contains("\"id\":3,").contains("after-3");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void followStopsQuietlyOnceItsOutputIsClosed() throws Exception {
        // Room for the first line and one or two more: then every write fails, as a pipe does
        // once "| head -3" has exited.
        ClosingOutput closing = new ClosingOutput(250);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger exitCode = new AtomicInteger(-1);
        Thread follower = new Thread(() -> exitCode.set(Cli.run(new String[] {"query", "events", "tail", "--db", db,
            "--follow", "--interval", "20ms", "--lines", "1"}, closing, new PrintStream(err, true))), "tail-follow");
        follower.start();

        try (TestJournal journal = TestJournal.create(directory)) {
            for (int i = 0; i < 500 && follower.isAlive(); i++) {
                journal.insert(row().type("Arriving").aggregate("row-" + i));
                Thread.sleep(10);
            }
        }
        follower.join(5000);

        assertThat(follower.isAlive()).as("still following after its output was closed").isFalse();
        assertThat(closing.refused).isTrue();
        assertThat(exitCode.get()).isEqualTo(141);
        assertThat(err.toString(Charset.defaultCharset())).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void followInItsOwnProcessExitsWhenThePipeIsClosed() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path stderr = directory.resolve("stderr.txt");
        Process tail = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Cli.class.getName(),
                "query", "events", "tail", "--db", db, "--follow", "--interval", "50ms", "--lines", "1")
                .redirectError(stderr.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(tail.getInputStream(),
                    Charset.defaultCharset()));
            assertThat(out.readLine()).contains(" 12  recorder  Even");
            out.close(); // as head does once it has its lines

            try (TestJournal journal = TestJournal.create(directory)) {
                for (int i = 0; i < 2000 && tail.isAlive(); i++) {
                    journal.insert(row().type("Arriving"));
                    Thread.sleep(10);
                }
            }

            assertThat(tail.waitFor(10, TimeUnit.SECONDS)).as("tail still running after its reader left").isTrue();
            assertThat(tail.exitValue()).isEqualTo(141);
            assertThat(Files.readString(stderr, Charset.defaultCharset())).isEmpty();
        } finally {
            tail.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theFirstLinesAreMeasuredAgainstRecentRows() throws Exception {
        try (TestJournal journal = TestJournal.create(directory)) {
            journal.insert(row().type("AVeryLongEventTypeName"));
            journal.insert(row().type("Short"));
        }

        String[] lines = CliRun.run("query", "events", "tail", "--db", db, "-n", "1").lines();

        assertThat(lines).hasSize(1);
        assertThat(lines[0]).contains("  Short" + " ".repeat(22 - 5 + 2) + "info");
    }

    @Test
    void anIntervalOfZeroIsAUsageError() {
        CliRun run = CliRun.run("query", "events", "tail", "--db", db, "--follow", "--interval", "0s");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).startsWith("kube9: Invalid value for option '--interval': expected a duration above zero")
                .hasLineCount(1);
    }

    @Test
    void anIntervalLongerThanAHundredYearsIsAUsageErrorNotAnOverflow() {
        CliRun run = CliRun.run("query", "events", "tail", "--db", db, "--follow", "--interval", "999999999999d");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.out).isEmpty(); // before: the last line, then "unexpected error: ArithmeticException"
        assertThat(run.err).isEqualTo("kube9: Invalid value for option '--interval': expected a duration above zero"
                + " such as 500ms, 1s, 5m or 1m30s, of at most 36500d, found \"999999999999d\" (see 'java -jar"
                + " kube9-agent.jar query events tail --help')" + System.lineSeparator());
    }

    /** A pipe whose reader has gone: writes succeed up to a number of bytes, then fail. */
    private static final class ClosingOutput extends OutputStream {
        private final int capacity;
        private int written;
        volatile boolean refused;

        ClosingOutput(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            if (written + length > capacity) {
                refused = true;
                throw new IOException("Broken pipe");
            }
            written += length;
        }
    }

    /** {@code tail --follow --interval 20ms --lines 1} and more on a thread of its own, until {@link #stop}. */
    private final class Follower {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final AtomicInteger exitCode = new AtomicInteger(-1);
        private final Thread thread;

        Follower(String... more) {
            List<String> args = new ArrayList<>(List.of("query", "events", "tail", "--db", db, "--follow", "--interval",
                    "20ms", "--lines", "1"));
            args.addAll(List.of(more));
            thread = new Thread(() -> exitCode.set(Cli.run(args.toArray(new String[0]), new PrintStream(out, true),
                    new PrintStream(err, true))), "tail-follow");
            thread.start();
        }

        /** Interrupts it, as Ctrl-C would: its exit code. */
        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(5000);
            assertThat(thread.isAlive()).as("still following").isFalse();
            return exitCode.get();
        }
    }

    private static void awaitLines(ByteArrayOutputStream out, Predicate<String[]> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String text = out.toString(Charset.defaultCharset());
            String[] lines = text.isEmpty() ? new String[0] : text.split("\\R");
            if (condition.test(lines)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; output so far:\n" + text);
            }
            Thread.sleep(10);
        }
    }
}
