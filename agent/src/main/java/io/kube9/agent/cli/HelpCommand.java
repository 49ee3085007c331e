package io.kube9.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code help query events list}: the help of a command at any depth. picocli's own help command
 * read only the first word, showed the help of {@code query} for {@code help query events list},
 * and said nothing of a second word that names no command.
 */
@Command(name = "help", helpCommand = true, description = "Shows the help of a command, e.g. help query events list.")
final class HelpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, and its commands in turn.")
    List<String> words = new ArrayList<>();

    @Override
    public Integer call() {
        CommandLine command = spec.parent().commandLine();
        StringBuilder path = new StringBuilder();
        for (String word : words) {
            CommandLine next = command.getSubcommands().get(word);
            if (next == null) {
                throw new ParameterException(spec.commandLine(), "Unknown command '" + (path + " " + word).trim()
                        + "' (" + (command.getSubcommands().isEmpty() ? (path + " has no commands").trim()
                                : "one of " + String.join(", ", command.getSubcommands().keySet())
                                        + (path.length() == 0 ? "" : " follows '" + path.toString().trim() + "'"))
                        + ")");
            }
            path.append(' ').append(word);
            command = next;
        }
        command.usage(spec.commandLine().getOut());
        return 0;
    }
}
