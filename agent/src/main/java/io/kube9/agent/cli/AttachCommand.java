package io.kube9.agent.cli;

import io.kube9.agent.Kube9Agent;
import io.kube9.agent.config.ConfigLoader;
import io.kube9.agent.config.Keys;
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
            description = "Attach even when the process is not listed by the jvms command and this user cannot"
                    + " read its memory map (e.g. a JVM in another container). Careful: attaching signals the process"
                    + " with SIGQUIT, which stops a process that is not a JVM; one known not to be a JVM (no"
                    + " libjvm.so in its map) is refused all the same.")
    boolean force;

    private static final String START_DEFER = Keys.START_DEFER.name().substring("kube9.".length());

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
        // killed by that signal. One that maps no JVM is never signalled; one whose map this user
        // cannot read is attached to only when jvms lists it, unless asked otherwise.
        Path agentJar = jar != null ? checkedJar(jar) : null; // what is wrong with it said first
        JvmProcess.Kind kind = JvmProcess.of(pid);
        if (kind == JvmProcess.Kind.NOT_A_JVM) {
            throw new CliException("process " + pid + " is not a JVM (no libjvm.so in its memory), and the attach"
                    + " handshake's SIGQUIT would end it: not attached"
                    + (LocalJvms.listsFileOf(pid) ? ". A JVM in another pid namespace (a container) lists itself under"
                            + " its own number there, which here is this process; attach from inside that container"
                            : ""));
        }
        Optional<LocalJvm> target = LocalJvms.find(pid);
        if (kind == JvmProcess.Kind.UNKNOWN && target.isEmpty() && !force) {
            throw new CliException(notListed());
        }
        if (agentJar == null) {
            agentJar = AgentJar.locate();
        }
        checkSeenBy(agentJar);
        List<String> given = new ArrayList<>();
        for (String argument : agentArguments) {
            if (!argument.trim().isEmpty()) {
                given.add(argument.trim());
            }
        }
        String options = given.isEmpty() ? null : String.join(",", given);
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
        boolean startDeferred = false;
        for (String argument : agentArguments) {
            for (String pair : argument.split(",")) {
                String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')).trim() : "";
                String bare = key.regionMatches(true, 0, "kube9.", 0, 6) ? key.substring(6) : key;
                if (bare.equalsIgnoreCase(START_DEFER)) {
                    startDeferred = true;
                } else if (!bare.equalsIgnoreCase("config")) {
                    settings.add(pair);
                }
            }
        }
        List<String> problems = new ArrayList<>(ConfigLoader.problemsOf(String.join(",", settings)));
        if (startDeferred) {
            problems.add(Keys.START_DEFER.name() + ": an agent attached at run time starts at once; the wait applies to"
                    + " -javaagent, at the JVM's start");
        }
        if (!problems.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "not attached: the agent would ignore or replace"
                    + " these arguments: " + String.join("; ", problems));
        }
    }

    /** Why a process that jvms does not list, and whose memory this user cannot read, is not attached to. */
    private String notListed() {
        String owner = ProcessHandle.of(pid).flatMap(process -> process.info().user()).orElse(null);
        String self = System.getProperty("user.name");
        if (owner != null && self != null && !owner.equals(self) && !"root".equals(self)) {
            return "process " + pid + " runs as user " + owner + ", and this command as " + self + ": attaching needs"
                    + " the same user (or root), e.g. sudo -u " + owner + " java -jar kube9-agent.jar attach " + pid;
        }
        return "process " + pid + " is not a JVM this user can attach to (it is not listed by jvms); --force attaches"
                + " anyway";
    }

    /**
     * The JVM opens the jar itself, by this path: one it cannot see (a JVM in another mount
     * namespace) or a path with {@code =} (where the JVM takes the agent's arguments to begin)
     * would only fail there, with a line on the service's stderr.
     */
    private void checkSeenBy(Path agentJar) {
        if (agentJar.toString().indexOf('=') >= 0) {
            throw new CliException("the agent jar's path " + agentJar + " has an '=', where the JVM takes the agent's"
                    + " arguments to begin; copy or link the jar to a path without one and give it with --jar");
        }
        if (JvmProcess.cannotSee(pid, agentJar)) {
            throw new CliException("JVM " + pid + " does not see " + agentJar + " (it runs in another mount namespace:"
                    + " a container, or a private /tmp); put the jar where it sees it, at a path this command sees too,"
                    + " and give that path with --jar");
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
