package io.kube9.agent.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The filters every events command shares; the time window is each command's own. Lists are
 * split here rather than by picocli, which drops empty items: {@code --type ,} would otherwise
 * mean no filter at all, and {@code --type ''} a filter that matches nothing.
 */
final class EventFilterOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--type", paramLabel = "TYPE[,TYPE...]",
            description = "Only these event types (repeat the option or separate with commas; \\, for a"
                    + " comma within a type). Exact, case included: types are the service's own names.")
    List<String> types = new ArrayList<>();

    @Option(names = "--severity", paramLabel = "SEVERITY[,SEVERITY...]",
            description = "Only these severities, in any case, e.g. error,warning.")
    List<String> severities = new ArrayList<>();

    @Option(names = "--site", paramLabel = "SITE[,SITE...]",
            description = "Only rows from these sites: recorder, store (in any case).")
    List<String> sites = new ArrayList<>();

    @Option(names = "--source", paramLabel = "CLASS#METHOD",
            description = "Only rows from this intercepted method; * and ? make it a glob, e.g. '*OrderStore#*'.")
    String source;

    @Option(names = "--aggregate", paramLabel = "ID", description = "Only rows of this aggregate id.")
    String aggregateId;

    EventFilter toFilter() {
        return toFilter(TimeWindow.UNBOUNDED);
    }

    EventFilter toFilter(TimeWindow window) {
        List<String> siteNames = new ArrayList<>();
        for (String site : split("--site", sites)) {
            siteNames.add(site(site).name());
        }
        return new EventFilter(split("--type", types), split("--severity", severities), siteNames,
                notEmpty("--source", source), notEmpty("--aggregate", aggregateId), window.since, window.until);
    }

    /**
     * An empty value matches no row: most likely an unset shell variable ({@code --aggregate "$ID"}),
     * which should fail rather than say that no events match.
     */
    private String notEmpty(String option, String value) {
        if (value != null && value.isEmpty()) {
            throw new ParameterException(command.commandLine(), "Invalid value for option '" + option
                    + "': empty (an unset shell variable?); leave the option out to match every row");
        }
        return value;
    }

    /**
     * Every comma-separated item of every occurrence; an empty item is a usage error. A comma that
     * is part of a value is written {@code \,}, and a value that ends in a backslash, before the
     * comma that ends it, {@code \\,}; every other backslash is itself. An event type may hold a
     * comma, and stats lists it.
     */
    private List<String> split(String option, List<String> occurrences) {
        List<String> values = new ArrayList<>();
        for (String occurrence : occurrences) {
            StringBuilder value = new StringBuilder();
            for (int i = 0; i <= occurrence.length(); i++) {
                char c = i < occurrence.length() ? occurrence.charAt(i) : ',';
                if (c == '\\' && i + 1 < occurrence.length() && occurrence.charAt(i + 1) == ',') {
                    value.append(occurrence.charAt(++i)); // \, is a comma within the value
                } else if (c == '\\' && occurrence.startsWith("\\,", i + 1)) {
                    value.append(occurrence.charAt(++i)); // \\, is a backslash, then the comma between values
                } else if (c != ',') {
                    value.append(c);
                } else if (value.length() == 0) {
                    throw new ParameterException(command.commandLine(), "Invalid value for option '" + option
                            + "': an empty value in \"" + occurrence + "\" (give one or more values, separated by"
                            + " commas)");
                } else {
                    values.add(value.toString());
                    value.setLength(0);
                }
            }
        }
        return values;
    }

    private JournalSite site(String value) {
        for (JournalSite site : JournalSite.values()) {
            if (site.name().equalsIgnoreCase(value)) {
                return site;
            }
        }
        throw new ParameterException(command.commandLine(), "Invalid value for option '--site': expected one of "
                + "recorder, store (in any case), found \"" + value + "\"");
    }
}
