package io.kube9.agent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "tail", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        sortOptions = false,
        description = {"Print the last events, oldest first; with --follow, keep printing new ones as the agent"
                + " writes them, until interrupted (Ctrl-C) or until its reader goes away (| head: exit 141).",
                "Columns: recorded_at, id, site, event_type, severity, aggregate_id, payload size, source."})
final class TailEventsCommand implements Callable<Integer> {
    /** Rows read per query, so that many (-n 5000000, or a burst while following) are printed in bounded steps. */
    static final int BATCH = 1000;
    /** Recent rows measured for the column widths, so that the first lines already align with later ones. */
    static final int LAYOUT_SAMPLE = 100;

    /** Lower case: the constants are the command-line spelling. */
    enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Mixin
    JournalOptions journal;

    @Mixin
    EventFilterOptions filters;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "10",
            description = "How many of the last events to print first (default: ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until interrupted.")
    boolean follow;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s",
            converter = Durations.PositiveConverter.class,
            description = "How often --follow looks for new events (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "${COMPLETION-CANDIDATES}: aligned text, or one JSON object per line"
                    + " (default: ${DEFAULT-VALUE}).")
    Format format;

    private final TailLayout layout = new TailLayout();

    @Override
    public Integer call() {
        if (lines < 0) {
            throw new ParameterException(spec.commandLine(), "--lines must be 0 or more, found " + lines);
        }
        EventFilter filter = filters.toFilter();
        PrintWriter out = spec.commandLine().getOut();
        try (JournalReader reader = journal.open()) {
            // Everything up to this id counts as "already there"; following starts after it, so a
            // row is printed at most once, even when the writer commits between the two queries.
            long lastSeenId = reader.maxId();
            // Read a batch at a time, never all N at once: -n 5000000 held every row before printing one.
            if (format == Format.text) {
                // Measured first, so that the columns are as wide from the first line as the widest value
                // of what follows, or of the last LAYOUT_SAMPLE rows when fewer are printed.
                long measureAfter = reader.beforeLatest(filter, Math.max(lines, LAYOUT_SAMPLE), lastSeenId);
                inBatches(reader, filter, measureAfter, lastSeenId, rows -> {
                    layout.fit(rows);
                    return true;
                });
            }
            long printAfter = reader.beforeLatest(filter, lines, lastSeenId);
            if (!inBatches(reader, filter, printAfter, lastSeenId, rows -> print(out, rows))) {
                return Cli.EXIT_OUTPUT_CLOSED;
            }
            while (follow && !Thread.currentThread().isInterrupted()) {
                if (!sleep(interval)) {
                    break;
                }
                long newest = reader.maxId();
                if (!inBatches(reader, filter, lastSeenId, newest, rows -> print(out, rows))) {
                    return Cli.EXIT_OUTPUT_CLOSED;
                }
                // on to newest even when nothing matched, so a narrow filter never rescans the same rows
                lastSeenId = Math.max(newest, lastSeenId);
            }
        }
        return 0;
    }

    /**
     * Hands matching rows with {@code afterId < id <= upToId} to {@code batch}, oldest first, at
     * most {@link #BATCH} at a time; false as soon as {@code batch} returns false.
     */
    private static boolean inBatches(JournalReader reader, EventFilter filter, long afterId, long upToId,
            Predicate<List<JournalRow>> batch) {
        long after = afterId;
        while (after < upToId) {
            List<JournalRow> rows = reader.between(filter, after, upToId, BATCH);
            if (!batch.test(rows)) {
                return false;
            }
            if (rows.size() < BATCH) {
                break;
            }
            after = rows.get(rows.size() - 1).id;
        }
        return true;
    }

    /**
     * False once a write has failed: PrintWriter swallows the broken pipe of a reader that went
     * away ({@code | head}) or a full disk, and following on would print into nothing for ever.
     * {@link Cli#run} tells the two apart.
     */
    private boolean print(PrintWriter out, List<JournalRow> rows) {
        layout.fit(rows);
        for (JournalRow row : rows) {
            out.println(format == Format.json ? Json.compact(EventViews.json(row)) : layout.line(row));
        }
        return !out.checkError(); // flushes first
    }

    /** False when interrupted: that is how a caller (or a test) stops following. */
    private static boolean sleep(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
