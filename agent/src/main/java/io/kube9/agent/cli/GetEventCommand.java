package io.kube9.agent.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "get", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        sortOptions = false, description = "Show one event with every column.")
final class GetEventCommand implements Callable<Integer> {
    /** Lower case: the constants are the command-line spelling. */
    enum Format { table, json }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The event's row id (the ID column of list).")
    long id;

    @Mixin
    JournalOptions journal;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        JournalRow row;
        try (JournalReader reader = journal.open()) {
            row = reader.byId(id).orElseThrow(() -> new CliException(
                    "no event with id " + id + " in " + reader.path() + " (pruned by retention, or not written yet?)"));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(Json.pretty(EventViews.json(row)));
        } else {
            Map<String, String> detail = EventViews.detail(row);
            int width = 0;
            for (String name : detail.keySet()) {
                width = Math.max(width, name.length());
            }
            for (Map.Entry<String, String> column : detail.entrySet()) {
                String value = column.getValue() == null ? TextTable.NONE : TextTable.printable(column.getValue());
                out.println(column.getKey() + ":" + " ".repeat(width - column.getKey().length() + 1) + value);
            }
        }
        out.flush();
        return 0;
    }
}
