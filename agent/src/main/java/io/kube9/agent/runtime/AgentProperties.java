package io.kube9.agent.runtime;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * What the running agent tells a later {@code attach}: a few entries among the JVM's agent
 * properties, the ones the attach API reads ({@code VirtualMachine#getAgentProperties}) and the
 * JDK's own management agent writes its address into. Unlike system properties, the service never
 * sees them.
 *
 * <p>Without them, a second {@code attach} could only load the jar again and let the running
 * agent refuse it on the service's stderr, while the command said "loaded" and succeeded. With
 * them, it says that the agent already runs there, and where its metrics and journal are.
 *
 * <p>The properties are the JDK's internal {@code jdk.internal.vm.VMSupport}, exported to the
 * agent's classes alone (Java 9 to 25 have it). Where that fails, the agent runs as before and
 * {@code attach} falls back to loading the jar.
 */
public final class AgentProperties {
    /** "starting" or "running". */
    public static final String STATE = "kube9.agent.state";
    /** The metrics endpoint's URL once it serves, else absent. */
    public static final String METRICS = "kube9.agent.metrics";
    /** The journal's path once it is open, else absent. */
    public static final String JOURNAL = "kube9.agent.journal";

    private final Properties properties;

    private AgentProperties(Properties properties) {
        this.properties = properties;
    }

    /** The JVM's agent properties, or a stand-in that keeps nothing where they cannot be reached. */
    static AgentProperties of(Instrumentation instrumentation) {
        try {
            Module base = Object.class.getModule();
            if (instrumentation.isModifiableModule(base)) {
                Module agent = AgentProperties.class.getModule();
                instrumentation.redefineModule(base, Set.of(), Map.of("jdk.internal.vm", Set.of(agent)), Map.of(),
                        Set.of(), Map.of());
                Object properties = Class.forName("jdk.internal.vm.VMSupport")
                        .getMethod("getAgentProperties").invoke(null);
                if (properties instanceof Properties) {
                    return new AgentProperties((Properties) properties);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // another JDK: a later attach loads the jar and the agent refuses it, as before
        }
        return none();
    }

    /** Keeps nothing: before the agent claims the JVM, or where it does not. */
    static AgentProperties none() {
        return new AgentProperties(null);
    }

    void set(String key, String value) {
        if (properties != null) {
            properties.setProperty(key, value);
        }
    }

    /** The agent gave up its start: a later attach may load it. */
    void clear() {
        if (properties != null) {
            properties.remove(STATE);
            properties.remove(METRICS);
            properties.remove(JOURNAL);
        }
    }
}
