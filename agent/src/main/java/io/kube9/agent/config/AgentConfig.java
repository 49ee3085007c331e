package io.kube9.agent.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's configuration: parsed once at start-up, immutable afterwards.
 *
 * <pre>{@code
 * AgentConfig config = ConfigLoader.load("exporter.port=0,journal.path=/tmp/e.db");
 * int port = config.get(Keys.EXPORTER_PORT);
 * config.problems().forEach(System.err::println);
 * }</pre>
 *
 * <p>A bad value never stops the agent: the key falls back to its default and the problem,
 * naming key and value, is kept in {@link #problems()} to be reported once.
 */
public final class AgentConfig {
    /** The {@link #origin} of a value given after {@code -javaagent:kube9-agent.jar=} or to {@code attach}. */
    public static final String AGENT_ARGUMENT = "agent argument";

    private final Map<Key<?>, Object> values;
    private final Map<Key<?>, String> origins;
    private final List<String> problems;

    AgentConfig(Map<Key<?>, Object> values, Map<Key<?>, String> origins, List<String> problems) {
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
        this.origins = Collections.unmodifiableMap(new HashMap<>(origins));
        this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        return (T) values.get(key);
    }

    /** Where the value came from: "agent argument", "system property", "environment", a file, or "default". */
    public String origin(Key<?> key) {
        return origins.getOrDefault(key, "default");
    }

    /** Unknown keys and bad values, each naming the key and the offending value. */
    public List<String> problems() {
        return problems;
    }
}
