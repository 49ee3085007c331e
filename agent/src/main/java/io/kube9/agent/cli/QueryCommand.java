package io.kube9.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "query", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        description = "Read the agent's SQLite journal (read-only; safe while an agent writes it).",
        subcommands = EventsCommand.class)
final class QueryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw missingSubcommand(spec);
    }

    /** A group without its command is a usage error: one line, exit 2, like any other. */
    static ParameterException missingSubcommand(CommandSpec spec) {
        return new ParameterException(spec.commandLine(),
                "missing a command: one of " + String.join(", ", spec.subcommands().keySet()));
    }
}
