package io.kube9.agent.cli;

import io.kube9.agent.config.DurationText;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "stats", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        sortOptions = false,
        description = "Count events per type, severity and site over a window, with rates in events per second.")
final class EventStatsCommand implements Callable<Integer> {
    /** Lower case: the constants are the command-line spelling. */
    enum Format { table, json }

    /** Rates to four significant digits: enough to compare, and small rates over long windows stay visible. */
    private static final MathContext RATE_PRECISION = new MathContext(4);

    @Spec
    CommandSpec spec;

    @Mixin
    JournalOptions journal;

    @Mixin
    EventFilterOptions filters;

    /** Without --since, the window is the hour before --until (so only --until moves the whole window). */
    static final Duration DEFAULT_LENGTH = Duration.ofHours(1);

    @Option(names = "--since", paramLabel = "TIME", converter = TimeExpression.Converter.class,
            description = "Start of the window (default: an hour before --until, i.e. an hour ago).")
    TimeExpression since;

    @Option(names = "--until", paramLabel = "TIME", defaultValue = "now", converter = TimeExpression.Converter.class,
            description = "End of the window, exclusive (default: ${DEFAULT-VALUE}).")
    TimeExpression until;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        TimeWindow window = since != null
                ? TimeWindow.resolve(spec.commandLine(), since, until, Instant.now())
                : TimeWindow.endingAt(spec.commandLine(), until, DEFAULT_LENGTH, Instant.now());
        EventFilter filter = filters.toFilter(window);
        long total;
        Map<String, Map<String, Long>> groups = new LinkedHashMap<>();
        try (JournalReader reader = journal.open()) {
            // One snapshot for all four counts: on a live journal, separate reads would each see
            // a different number of batches, and the groups would not add up to the total.
            total = reader.inOneReadTransaction(() -> {
                long all = reader.count(filter);
                for (String column : List.of("event_type", "severity", "site")) {
                    groups.put(column, reader.countBy(column, filter));
                }
                return all;
            });
        }
        Duration length = Duration.between(window.since, window.until);
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(Json.pretty(json(window, length, total, groups)));
        } else {
            printTable(out, window, length, total, groups);
        }
        out.flush();
        return 0;
    }

    private Map<String, Object> json(TimeWindow window, Duration length, long total,
            Map<String, Map<String, Long>> groups) {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> windowJson = new LinkedHashMap<>();
        windowJson.put("since", Times.iso(window.since));
        windowJson.put("until", Times.iso(window.until));
        windowJson.put("seconds", seconds(length).stripTrailingZeros());
        json.put("window", windowJson);
        json.put("total", total);
        json.put("per_second", perSecond(total, length));
        for (Map.Entry<String, Map<String, Long>> group : groups.entrySet()) {
            List<Object> entries = new ArrayList<>();
            for (Map.Entry<String, Long> count : group.getValue().entrySet()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put(group.getKey(), count.getKey());
                entry.put("count", count.getValue());
                entry.put("per_second", perSecond(count.getValue(), length));
                entries.add(entry);
            }
            json.put("by_" + group.getKey(), entries);
        }
        return json;
    }

    private void printTable(PrintWriter out, TimeWindow window, Duration length, long total,
            Map<String, Map<String, Long>> groups) {
        out.println("journal  " + journal.path());
        out.println("window   " + Times.iso(window.since) + " .. " + Times.iso(window.until) + " ("
                + DurationText.format(length) + ")");
        out.println("events   " + total + " (" + perSecond(total, length).toPlainString() + "/s)");
        if (total == 0) {
            return;
        }
        for (Map.Entry<String, Map<String, Long>> group : groups.entrySet()) {
            out.println();
            TextTable table = new TextTable(group.getKey().toUpperCase(Locale.ROOT), "EVENTS", "PER_SECOND", "SHARE")
                    .alignRight(1, 2, 3);
            for (Map.Entry<String, Long> count : group.getValue().entrySet()) {
                table.add(count.getKey(), Long.toString(count.getValue()),
                        perSecond(count.getValue(), length).toPlainString(),
                        String.format(Locale.ROOT, "%.1f%%", 100.0 * count.getValue() / total));
            }
            table.print(out);
        }
    }

    static BigDecimal perSecond(long events, Duration length) {
        if (length.isZero() || events == 0) {
            return BigDecimal.ZERO;
        }
        return BigDecimal.valueOf(events).divide(seconds(length), RATE_PRECISION).stripTrailingZeros();
    }

    /**
     * The window's length in seconds, exactly: a window may span every time the journal can hold
     * (--since -292275055-05-16T16:47:04.192Z), whose milliseconds overflow a long.
     */
    static BigDecimal seconds(Duration length) {
        return BigDecimal.valueOf(length.getSeconds()).add(BigDecimal.valueOf(length.getNano(), 9));
    }
}
