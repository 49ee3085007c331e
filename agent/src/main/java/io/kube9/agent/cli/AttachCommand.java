package io.kube9.agent.cli;

import io.kube9.agent.Kube9Agent;
import io.kube9.agent.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "attach", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        sortOptions = false,
        description = {"Load the agent into a running JVM, as -javaagent would have at start-up.",
                "The agent reports on that JVM's stderr (e.g. the port chosen for exporter.port=0). Where it"
                        + " already runs, nothing is loaded: the command says where its metrics and journal are,"
                        + " and fails if given arguments, which the running agent would not use."},
        footer = {"", "Examples:",
                "  attach 4242",
                "  attach 4242 exporter.port=19555 journal.path=/var/lib/kube9/events.db"})
final class AttachCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PID", description = "Process id of the JVM (see the jvms command).")
    long pid;

    @Parameters(index = "1..*", paramLabel = "ARGS",
            description = "Agent arguments, key=value (the kube9. prefix is optional); several are joined with"
                    + " commas, as after -javaagent:kube9-agent.jar=.")
    List<String> agentArguments = new ArrayList<>();

    @Option(names = "--jar", paramLabel = "PATH",
            description = "Agent jar to load (default: the jar this command runs from).")
    Path jar;

    @Option(names = "--force",
            description = "Attach even when the process is not listed by the jvms command (e.g. a JVM in"
                    + " another container). Careful: attaching signals the process with SIGQUIT, which stops a"
                    + " process that is not a JVM.")
    boolean force;

    @Override
    public Integer call() {
        checkArguments();
        if (pid == ProcessHandle.current().pid()) {
            throw new CliException(pid + " is this command's own JVM; give the pid of the JVM to instrument");
        }
        if (ProcessHandle.of(pid).isEmpty()) {
            throw new CliException("no process with pid " + pid);
        }
        // HotSpot starts its attach listener on SIGQUIT; a process that is not a JVM would be
        // killed by that signal, so only listed JVMs are attached to unless asked otherwise.
        Optional<LocalJvm> target = LocalJvms.find(pid);
        if (target.isEmpty() && !force) {
            throw new CliException("process " + pid + " is not a JVM this user can attach to (it is not listed by"
                    + " jvms); --force attaches anyway");
        }
        Path agentJar = jar != null ? checkedJar(jar) : AgentJar.locate();
        String options = agentArguments.isEmpty() ? null : String.join(",", agentArguments);
        String name = target.map(jvm -> jvm.main.isEmpty() ? "" : " (" + jvm.main + ")").orElse("");
        String already = LocalJvms.loadAgent(pid, "JVM " + pid + name, agentJar, options);
        PrintWriter out = spec.commandLine().getOut();
        if (already != null) {
            // The running agent would refuse a second one and keep its own settings: asking for
            // other settings is an error; asking for the agent to be there is already done.
            if (options != null) {
                throw new CliException("not attached: " + already + ", and keeps its own settings; these would not"
                        + " be used: " + options);
            }
            out.println(already + "; nothing loaded");
            out.flush();
            return 0;
        }
        out.println("loaded " + agentJar + " into JVM " + pid + name
                + (options == null ? "" : " with " + options) + "; the agent reports on that JVM's stderr");
        out.flush();
        return 0;
    }

    /**
     * The arguments as the agent will read them, here, where the user sees the answer: once
     * loaded, the agent says what is wrong only on the target's stderr and carries on with its
     * defaults (a typo in exporter.port would bind 9469). A config file is not read here: it is
     * the target's path, which this process may not see.
     */
    private void checkArguments() {
        List<String> settings = new ArrayList<>();
        for (String argument : agentArguments) {
            for (String pair : argument.split(",")) {
                String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')).trim() : "";
                if (!key.equalsIgnoreCase("config") && !key.equalsIgnoreCase("kube9.config")) {
                    settings.add(pair);
                }
            }
        }
        List<String> problems = ConfigLoader.problemsOf(String.join(",", settings));
        if (!problems.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "not attached: the agent would ignore or replace"
                    + " these arguments: " + String.join("; ", problems));
        }
    }

    private static Path checkedJar(Path given) {
        Path absolute = given.toAbsolutePath();
        if (!Files.exists(absolute)) {
            throw new CliException("no such file: " + absolute + " (given with --jar)");
        }
        if (Files.isDirectory(absolute)) {
            throw new CliException(absolute + " is a directory, not a kube9 agent jar");
        }
        if (!Files.isReadable(absolute)) {
            throw new CliException("cannot read " + absolute + ": permission denied");
        }
        if (!AgentJar.isAgentJar(absolute)) {
            throw new CliException(absolute + " is not a kube9 agent jar (no Agent-Class "
                    + Kube9Agent.class.getName() + " in its manifest)");
        }
        return absolute;
    }
}
