package io.kube9.agent.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        sortOptions = false,
        description = "List events, newest first, one page at a time.",
        footer = {"", "Examples:",
                "  list --since 15m --type OrderPlaced,OrderCancelled",
                "  list --site store --aggregate order-42 --format json",
                "  list --since 2026-11-22 --until 2026-11-23 --format csv --limit 1000"})
final class ListEventsCommand implements Callable<Integer> {
    static final int MAX_LIMIT = 1000;

    /** Lower case: the constants are the command-line spelling. */
    enum Format { table, json, csv }

    @Spec
    CommandSpec spec;

    @Mixin
    JournalOptions journal;

    @Mixin
    EventFilterOptions filters;

    @Option(names = "--since", paramLabel = "TIME", converter = TimeExpression.Converter.class,
            description = "Only events recorded at or after TIME.")
    TimeExpression since;

    @Option(names = "--until", paramLabel = "TIME", converter = TimeExpression.Converter.class,
            description = "Only events recorded before TIME.")
    TimeExpression until;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "Rows per page, 0 to " + MAX_LIMIT + " (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Rows to skip (default: 0).")
    long offset;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new ParameterException(spec.commandLine(), "--limit must be from 0 to " + MAX_LIMIT + ", found "
                    + limit + " (page through more rows with --offset)");
        }
        if (offset < 0) {
            throw new ParameterException(spec.commandLine(), "--offset must be 0 or more, found " + offset);
        }
        TimeWindow window = TimeWindow.resolve(spec.commandLine(), since, until, Instant.now());
        EventFilter filter = filters.toFilter(window);
        long total;
        List<JournalRow> rows = new ArrayList<>();
        try (JournalReader reader = journal.open()) {
            // One snapshot for both: on a live journal, a batch the agent commits in between would
            // be on the page and not in the total ("1-238 of 237 matching events").
            total = reader.inOneReadTransaction(() -> {
                long all = reader.count(filter);
                if (all > offset) {
                    rows.addAll(reader.page(filter, limit, offset));
                }
                return all;
            });
        }
        PrintWriter out = spec.commandLine().getOut();
        switch (format) {
            case json:
                printJson(out, rows, total);
                break;
            case csv:
                out.println(Csv.line(EventViews.CSV_HEADER));
                for (JournalRow row : rows) {
                    out.println(Csv.line(EventViews.csv(row)));
                }
                break;
            default:
                printTable(out, rows, total);
        }
        out.flush();
        return 0;
    }

    /** One event per line inside the envelope: valid JSON that still reads (and greps) as rows. */
    private void printJson(PrintWriter out, List<JournalRow> rows, long total) {
        Map<String, Object> pagination = new LinkedHashMap<>();
        pagination.put("total", total);
        pagination.put("limit", limit);
        pagination.put("offset", offset);
        pagination.put("returned", rows.size());
        if (rows.isEmpty()) {
            out.println("{\"events\":[],\"pagination\":" + Json.compact(pagination) + "}");
            return;
        }
        out.println("{\"events\":[");
        List<String> lines = new ArrayList<>(rows.size());
        for (JournalRow row : rows) {
            lines.add("  " + Json.compact(EventViews.json(row)));
        }
        out.println(String.join(",\n", lines));
        out.println("],\"pagination\":" + Json.compact(pagination) + "}");
    }

    private void printTable(PrintWriter out, List<JournalRow> rows, long total) {
        if (rows.isEmpty()) {
            if (total == 0) {
                out.println("no events match");
            } else if (limit == 0) {
                out.println(total + " matching events");
            } else {
                out.println("no events on this page: " + total + " match, --offset " + offset + " is past them");
            }
            return;
        }
        EventViews.table(rows).print(out);
        long shownTo = offset + rows.size();
        StringBuilder summary = new StringBuilder()
                .append(offset + 1).append('-').append(shownTo).append(" of ").append(total)
                .append(" matching events, newest first");
        if (shownTo < total) {
            summary.append("; next page: --offset ").append(shownTo);
        }
        out.println(summary);
    }
}
