package io.kube9.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
    /** How long a journal that is there again may take to become one (the agent makes its tables first). */
    private static final Duration NEW_JOURNAL_GRACE = Duration.ofSeconds(5);
    private static final Object MISSING = new Object();

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
        Path path = journal.path();
        JournalReader reader = journal.open();
        try {
            // What the path named when it was opened: the agent starts a journal again in a new file when
            // its own is deleted or moved away, and the reader, holding the old one open, would see nothing
            // new for ever. (Held open, the old file's identity cannot pass to the new one.)
            Object opened = fileKey(path);
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
                if (opened != null && !opened.equals(fileKey(path))) {
                    reader.close();
                    reader = null;
                    spec.commandLine().getErr().println("kube9: " + path + " is no longer the journal being followed"
                            + " (deleted or moved away); following the journal at that path from its first row");
                    reader = reopen(path);
                    if (reader == null) {
                        break; // interrupted while waiting for it
                    }
                    opened = fileKey(path);
                    lastSeenId = 0;
                }
                long newest = reader.maxId();
                if (!inBatches(reader, filter, lastSeenId, newest, rows -> print(out, rows))) {
                    return Cli.EXIT_OUTPUT_CLOSED;
                }
                // on to newest even when nothing matched, so a narrow filter never rescans the same rows
                lastSeenId = Math.max(newest, lastSeenId);
            }
        } finally {
            if (reader != null) {
                reader.close();
            }
        }
        return 0;
    }

    /**
     * The journal at {@code path} once there is one again, or null when interrupted while waiting. A
     * file that is there but is no journal within {@link #NEW_JOURNAL_GRACE} is an error, as at the start.
     */
    private JournalReader reopen(Path path) {
        long firstFailure = 0;
        boolean failed = false;
        while (true) {
            if (Files.exists(path)) {
                try {
                    return journal.open();
                } catch (CliException e) {
                    if (!failed) {
                        failed = true;
                        firstFailure = System.nanoTime();
                    } else if (System.nanoTime() - firstFailure > NEW_JOURNAL_GRACE.toNanos()) {
                        throw e;
                    }
                }
            }
            if (!sleep(interval.isZero() ? Duration.ofMillis(100) : interval)) {
                return null;
            }
        }
    }

    /**
     * The file system's identity of the file at {@code path}: null when the file system gives none
     * (then a replaced journal goes unseen), {@link #MISSING} when nothing is there.
     */
    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return MISSING;
        }
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
