package io.kube9.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "events", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        description = {"Events captured at recorder and store sites.",
                "Times select on recorded_at (when the agent captured the event): --since inclusive, --until"
                        + " exclusive. A time is ISO-8601 (2026-11-22T03:12:00Z; UTC without an offset), a date"
                        + " (2026-11-22, midnight UTC), 'now', or a duration before now (90s, 15m, 1h30m, 7d)."},
        subcommands = {ListEventsCommand.class, GetEventCommand.class, EventStatsCommand.class,
            TailEventsCommand.class})
final class EventsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw QueryCommand.missingSubcommand(spec);
    }
}
