package io.kube9.agent.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the {@link AgentConfig} from its sources, highest precedence first: agent arguments
 * ({@code key=value,key=value}, the {@code kube9.} prefix optional), system properties
 * ({@code kube9.*}), environment variables ({@code KUBE9_*}), the file named by
 * {@code kube9.config}, and the defaults.
 */
public final class ConfigLoader {
    private static final String PREFIX = "kube9.";

    private ConfigLoader() {}

    public static AgentConfig load(String agentArgs) {
        return load(agentArgs, System.getProperties(), System.getenv());
    }

    static AgentConfig load(String agentArgs, Properties systemProperties, Map<String, String> environment) {
        List<String> problems = new ArrayList<>();
        // Lowest first, so that each later source overwrites.
        List<Source> sources = new ArrayList<>();
        Source args = fromAgentArgs(agentArgs, problems);
        Source props = fromSystemProperties(systemProperties);
        Source env = fromEnvironment(environment);

        String file = firstNonNull(args.values.get(Keys.CONFIG.name()),
                props.values.get(Keys.CONFIG.name()), env.values.get(Keys.CONFIG.name()));
        if (file != null) {
            sources.add(fromFile(file, problems));
        }
        sources.add(env);
        sources.add(props);
        sources.add(args);

        Map<String, String> texts = new LinkedHashMap<>();
        Map<String, String> textOrigins = new HashMap<>();
        for (Source source : sources) {
            for (Map.Entry<String, String> entry : source.values.entrySet()) {
                texts.put(entry.getKey(), entry.getValue());
                textOrigins.put(entry.getKey(), source.name);
            }
        }

        Map<Key<?>, Object> values = new HashMap<>();
        Map<Key<?>, String> origins = new HashMap<>();
        for (Key<?> key : Keys.all()) {
            String text = texts.get(key.name());
            if (text != null) {
                try {
                    values.put(key, key.parse(text));
                    origins.put(key, textOrigins.get(key.name()));
                    continue;
                } catch (ConfigException e) {
                    problems.add(e.getMessage() + " (from " + textOrigins.get(key.name())
                            + "; using the default " + quote(key.defaultText()) + ")");
                }
            }
            values.put(key, key.defaultText() == null ? null : key.parse(key.defaultText()));
        }
        for (String name : texts.keySet()) {
            if (Keys.byName(name) == null) {
                problems.add(name + ": unknown key (from " + textOrigins.get(name) + ", value \""
                        + texts.get(name) + "\"); ignored");
            }
        }
        return new AgentConfig(values, origins, problems);
    }

    private static Source fromAgentArgs(String agentArgs, List<String> problems) {
        Source source = new Source("agent argument");
        if (agentArgs == null || agentArgs.trim().isEmpty()) {
            return source;
        }
        for (String pair : agentArgs.split(",")) {
            if (pair.trim().isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                problems.add("agent argument \"" + pair.trim() + "\": expected key=value; ignored");
                continue;
            }
            source.values.put(fullName(pair.substring(0, eq).trim()), pair.substring(eq + 1).trim());
        }
        return source;
    }

    private static Source fromSystemProperties(Properties properties) {
        Source source = new Source("system property");
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                source.values.put(name, properties.getProperty(name));
            }
        }
        return source;
    }

    private static Source fromEnvironment(Map<String, String> environment) {
        Source source = new Source("environment");
        Map<String, Key<?>> byEnvName = new HashMap<>();
        for (Key<?> key : Keys.all()) {
            byEnvName.put(key.envName(), key);
        }
        for (Map.Entry<String, String> entry : environment.entrySet()) {
            Key<?> key = byEnvName.get(entry.getKey());
            // Other KUBE9_* variables may well belong to the service (kube9 itself uses some),
            // so only the agent's own names are read from the environment.
            if (key != null) {
                source.values.put(key.name(), entry.getValue());
            }
        }
        return source;
    }

    private static Source fromFile(String file, List<String> problems) {
        Source source = new Source("file " + file);
        Path path = Paths.get(file);
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            problems.add(Keys.CONFIG.name() + ": cannot read \"" + file + "\" (" + e + "); its keys are ignored");
            return source;
        }
        for (String name : properties.stringPropertyNames()) {
            source.values.put(fullName(name), properties.getProperty(name));
        }
        return source;
    }

    private static String fullName(String name) {
        return name.startsWith(PREFIX) ? name : PREFIX + name;
    }

    private static String quote(String text) {
        return text == null ? "(none)" : "\"" + text + "\"";
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static final class Source {
        final String name;
        final Map<String, String> values = new LinkedHashMap<>();

        Source(String name) {
            this.name = name;
        }
    }
}
