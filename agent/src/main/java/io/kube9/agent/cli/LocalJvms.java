package io.kube9.agent.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.kube9.agent.runtime.AgentProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The attach API (module {@code jdk.attach}), which a JDK has and a trimmed runtime may lack;
 * this class is the only one that touches it, so that its absence is one clear message.
 */
final class LocalJvms {
    private LocalJvms() {}

    /** Every JVM the attach API lists, except the one running this command, by pid. */
    static List<LocalJvm> list() {
        long self = ProcessHandle.current().pid();
        List<LocalJvm> jvms = new ArrayList<>();
        try {
            for (VirtualMachineDescriptor descriptor : VirtualMachine.list()) {
                Long pid = parsePid(descriptor.id());
                // A JVM of another pid namespace lists its own number, which here may be any process.
                if (pid != null && pid != self && JvmProcess.of(pid) != JvmProcess.Kind.NOT_A_JVM) {
                    jvms.add(new LocalJvm(pid, descriptor.displayName()));
                }
            }
        } catch (LinkageError e) {
            throw noAttachApi(e);
        }
        jvms.sort(Comparator.comparingLong(jvm -> jvm.pid));
        return jvms;
    }

    /** Whether a JVM's performance data file bears {@code pid} as its name, whatever process that is here. */
    static boolean listsFileOf(long pid) {
        try {
            for (VirtualMachineDescriptor descriptor : VirtualMachine.list()) {
                if (Long.toString(pid).equals(descriptor.id())) {
                    return true;
                }
            }
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
        return false;
    }

    static Optional<LocalJvm> find(long pid) {
        return list().stream().filter(jvm -> jvm.pid == pid).findFirst();
    }

    /**
     * Attaches, loads {@code agentJar} with {@code options} (may be null) and detaches; unless a
     * kube9 agent already runs in that JVM (or is starting), which then refuses any other and keeps
     * its own settings: nothing is loaded.
     *
     * @param jvm how to name that JVM, e.g. {@code "JVM 4242 (orders.jar)"}
     * @return null when loaded; else what the running agent says of itself, e.g. {@code "the kube9
     *     agent already runs in JVM 4242: metrics on http://0.0.0.0:9469/metrics, journal /data/j.db"}
     */
    static String loadAgent(long pid, String jvm, Path agentJar, String options) {
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            if (String.valueOf(e.getMessage()).contains("does not support the attach mechanism")) {
                throw new CliException("JVM " + pid + " takes no agent at run time (started with"
                        + " -XX:+DisableAttachMechanism); start it with -javaagent:" + agentJar + " instead", e);
            }
            throw new CliException("cannot attach to JVM " + pid + ": " + describe(e), e);
        } catch (LinkageError e) {
            throw noAttachApi(e);
        }
        try {
            String running = runningAgent(vm, jvm);
            if (running != null) {
                return running;
            }
            vm.loadAgent(agentJar.toString(), options);
            return null;
        } catch (AgentLoadException e) {
            String user = ProcessHandle.of(pid).flatMap(process -> process.info().user())
                    .map(name -> "user " + name).orElse("the user it runs as");
            throw new CliException("JVM " + pid + " could not load " + agentJar + ": " + describe(e)
                    + (String.valueOf(e.getMessage()).contains("not found")
                            ? " (the JVM opens the jar itself, as " + user + ", who must be able to read it and to"
                                    + " enter every directory above it)"
                            : ""), e);
        } catch (AgentInitializationException e) {
            throw new CliException("the agent failed to start in JVM " + pid + " (its agentmain returned "
                    + e.returnValue() + "); see that JVM's stderr", e);
        } catch (IOException e) {
            throw new CliException("loading the agent into JVM " + pid + " failed: " + describe(e), e);
        } finally {
            try {
                vm.detach();
            } catch (IOException e) {
                // the agent is loaded or not; a failed detach changes neither
            }
        }
    }

    /**
     * What a kube9 agent in that JVM published among its agent properties ({@code
     * AgentProperties} in the agent's runtime), or null when none runs there (or an agent too old
     * to say, which refuses the load itself).
     */
    private static String runningAgent(VirtualMachine vm, String jvm) {
        Properties properties;
        try {
            properties = vm.getAgentProperties();
        } catch (IOException | RuntimeException e) {
            return null; // loading the agent says what is wrong, if anything is
        }
        String state = properties.getProperty(AgentProperties.STATE);
        if (state == null) {
            return null;
        }
        List<String> where = new ArrayList<>();
        String metrics = properties.getProperty(AgentProperties.METRICS);
        String journal = properties.getProperty(AgentProperties.JOURNAL);
        where.add(metrics != null ? "metrics on " + metrics : "no metrics endpoint");
        where.add(journal != null ? "journal " + journal : "no journal");
        boolean running = state.equals("running");
        return "the kube9 agent " + (running ? "already runs in " + jvm + ": " : "is already starting in " + jvm
                + " (so far: ") + String.join(", ", where) + (running ? "" : ")");
    }

    private static Long parsePid(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static CliException noAttachApi(LinkageError e) {
        return new CliException("this Java runtime has no attach API (module jdk.attach); run the command with a"
                + " full JDK", e);
    }
}
