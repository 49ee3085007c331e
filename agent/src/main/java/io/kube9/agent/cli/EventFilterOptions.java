package io.kube9.agent.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The filters every events command shares; the time window is each command's own. */
final class EventFilterOptions {
    @Option(names = "--type", paramLabel = "TYPE", split = ",",
            description = "Only these event types (repeat the option or separate with commas).")
    List<String> types = new ArrayList<>();

    @Option(names = "--severity", paramLabel = "SEVERITY", split = ",",
            description = "Only these severities, e.g. error,warning.")
    List<String> severities = new ArrayList<>();

    @Option(names = "--site", paramLabel = "SITE", split = ",",
            description = "Only rows from this site: ${COMPLETION-CANDIDATES}.")
    List<JournalSite> sites = new ArrayList<>();

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
        for (JournalSite site : sites) {
            siteNames.add(site.name());
        }
        return new EventFilter(types, severities, siteNames, source, aggregateId, window.since, window.until);
    }
}
