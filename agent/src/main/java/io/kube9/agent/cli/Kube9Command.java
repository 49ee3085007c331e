package io.kube9.agent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = Cli.NAME, mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        description = {"The kube9 agent's command line: query the events journal, list local JVMs and attach the"
                + " agent to a running one.",
                "As an agent: java -javaagent:kube9-agent.jar[=key=value,...] -jar service.jar"},
        subcommands = {QueryCommand.class, JvmsCommand.class, AttachCommand.class, HelpCommand.class},
        footer = {"", "Exit status: 0 success, 1 failure, 2 bad command line, 141 output closed by its reader"
                + " (| head)."})
final class Kube9Command implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /**
     * Without a command: the overview, which is what someone typing just the jar wants, on stderr
     * and with exit 2, as for a group without its command ({@code query}), so that a script that
     * lost its arguments fails.
     */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        spec.commandLine().usage(err);
        err.println(Cli.PREFIX + "missing a command: one of " + String.join(", ", spec.subcommands().keySet()));
        return Cli.EXIT_USAGE;
    }
}
