package io.kube9.agent.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds the {@link AgentConfig} from its sources, highest precedence first: agent arguments
 * ({@code key=value,key=value}, the {@code kube9.} prefix optional), system properties
 * ({@code kube9.*}), environment variables ({@code KUBE9_*}), the file named by
 * {@code kube9.config}, and the defaults.
 */
public final class ConfigLoader {
    /** The largest config file read: a properties file of the agent's keys is a few kilobytes. */
    static final int MAX_CONFIG_BYTES = 1024 * 1024;
    private static final String PREFIX = "kube9.";
    private static final String ENV_PREFIX = "KUBE9_";
    /** Most edits (a transposition is one) that make a name a misspelling of a key's wherever it is. */
    private static final int MAX_TYPO_EDITS = 2;
    /**
     * Kubernetes' environment variables for a service named {@code kube9} or {@code kube9-*}:
     * {@code _SERVICE_HOST}, {@code _SERVICE_PORT[_NAME]}, {@code _PORT_<n>_<PROTO>[_PROTO|_PORT|_ADDR]}.
     * Its {@code _PORT} variable is told by its value, {@code tcp://10.0.0.11:9469}.
     */
    private static final Pattern SERVICE_LINK =
            Pattern.compile(".*_SERVICE_HOST|.*_SERVICE_PORT(_[A-Z0-9_]+)?|.*_PORT_[0-9]+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?");
    private static final Pattern SERVICE_LINK_PORT_VALUE = Pattern.compile("(tcp|udp|sctp)://.*");

    private ConfigLoader() {}

    public static AgentConfig load(String agentArgs) {
        return load(agentArgs, System.getProperties(), System.getenv());
    }

    /**
     * What is wrong with these agent arguments alone (no system property, environment or file),
     * as the agent would report it: for a command that passes them on to another JVM.
     */
    public static List<String> problemsOf(String agentArgs) {
        return load(agentArgs, new Properties(), Map.of()).problems();
    }

    static AgentConfig load(String agentArgs, Properties systemProperties, Map<String, String> environment) {
        List<String> problems = new ArrayList<>();
        // Lowest first, so that each later source overwrites.
        List<Source> sources = new ArrayList<>();
        Source args = fromAgentArgs(agentArgs, problems);
        Source props = fromSystemProperties(systemProperties);
        Source env = fromEnvironment(environment, problems);

        String file = firstNonNull(args.values.get(Keys.CONFIG.name()),
                props.values.get(Keys.CONFIG.name()), env.values.get(Keys.CONFIG.name()));
        if (file != null && !file.trim().isEmpty()) { // an empty one is reported as a bad value, below
            sources.add(fromFile(file.trim(), problems)); // trimmed, as every value is
        }
        sources.add(env);
        sources.add(props);
        sources.add(args);

        List<String> keyNames = new ArrayList<>();
        for (Key<?> key : Keys.all()) {
            keyNames.add(key.name());
        }
        Map<String, String> texts = new LinkedHashMap<>();
        Map<String, String> textOrigins = new HashMap<>();
        for (Source source : sources) {
            for (Map.Entry<String, String> entry : source.values.entrySet()) {
                String overridden = texts.put(entry.getKey(), entry.getValue());
                String overriddenOrigin = textOrigins.put(entry.getKey(), source.name);
                if (overridden != null) {
                    reportIfBad(entry.getKey(), overridden, overriddenOrigin, source.name, keyNames, problems);
                }
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
                // keys are lower case: Kube9.journal.path or kube9.Journal.Path was most likely meant as one
                String meant = meant(name.toLowerCase(Locale.ROOT), keyNames);
                problems.add(unknown(name, textOrigins.get(name), texts.get(name), meant));
            }
        }
        return new AgentConfig(values, origins, problems);
    }

    /**
     * A value that a higher source overrides is not used, but is still wrong where it is written:
     * said now rather than on the day the override goes.
     */
    private static void reportIfBad(String name, String text, String origin, String overriddenBy,
            List<String> keyNames, List<String> problems) {
        Key<?> key = Keys.byName(name);
        if (key == null) {
            // Said for each source that gives it (the higher one's below): fixed in one, the
            // misspelling would still be in the other.
            problems.add(unknown(name, origin, text, meant(name.toLowerCase(Locale.ROOT), keyNames)));
            return;
        }
        try {
            key.parse(text);
        } catch (ConfigException e) {
            problems.add(e.getMessage() + " (from " + origin + "; not used, as the " + overriddenBy + " gives "
                    + name + ")");
        }
    }

    private static Source fromAgentArgs(String agentArgs, List<String> problems) {
        Source source = new Source(AgentConfig.AGENT_ARGUMENT);
        if (agentArgs == null || agentArgs.trim().isEmpty()) {
            return source;
        }
        String secret = null; // the last pair's key when it may hold a secret
        for (String pair : agentArgs.split(",")) {
            if (pair.trim().isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq <= 0 ? null : fullName(pair.substring(0, eq).trim());
            if (secret != null && (name == null || Keys.byName(name) == null)) {
                // Most likely the rest of the secret, cut at a comma: neither repeated nor used.
                if (source.values.remove(secret) == null) {
                    continue; // said already, at the first piece
                }
                problems.add(secret + ": the agent argument after it is not a setting of the agent, so the value"
                        + " probably holds a ',' where agent arguments are split; neither is used, nor repeated here"
                        + " (give this key in a config file, a system property or the environment)");
                continue;
            }
            if (name == null) {
                problems.add("agent argument \"" + pair.trim() + "\": expected key=value; ignored");
                continue;
            }
            if (source.values.put(name, pair.substring(eq + 1).trim()) != null) {
                problems.add(name + ": given twice in the agent arguments; the last is used");
            }
            secret = mayBeSecret(name) ? name : null;
        }
        return source;
    }

    private static Source fromSystemProperties(Properties properties) {
        Source source = new Source("system property");
        for (String name : properties.stringPropertyNames()) {
            // -DKube9.journal.path is no other program's property either: kept, to be reported as unknown
            if (name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                source.values.put(name, properties.getProperty(name));
            }
        }
        return source;
    }

    private static Source fromEnvironment(Map<String, String> environment, List<String> problems) {
        Source source = new Source("environment");
        Map<String, Key<?>> byEnvName = new LinkedHashMap<>();
        for (Key<?> key : Keys.all()) {
            byEnvName.put(key.envName(), key);
        }
        for (Map.Entry<String, String> entry : new TreeMap<>(environment).entrySet()) {
            String name = entry.getKey();
            Key<?> key = byEnvName.get(name);
            if (key != null && isServiceLinkPort(name, entry.getValue())) {
                // A Service named kube9-exporter puts KUBE9_EXPORTER_PORT=tcp://10.0.0.11:9469 into
                // every pod of its namespace: not the agent's setting, and not a reason to lose the
                // port a config file gives.
                String service = name.substring(0, name.length() - "_PORT".length())
                        .toLowerCase(Locale.ROOT).replace('_', '-');
                problems.add(name + "=" + entry.getValue() + ": Kubernetes' link to a Service named " + service
                        + ", not a setting of the agent; ignored (set " + key.name()
                        + " another way, or enableServiceLinks: false in the pod's spec)");
                continue;
            }
            if (key != null) {
                source.values.put(key.name(), entry.getValue());
                continue;
            }
            // Other KUBE9_* variables may well belong to the service (kube9 itself uses some), or be
            // Kubernetes' links to a service named kube9 or kube9-*: only one that looks like a
            // misspelling of the agent's own names is reported.
            if (!name.regionMatches(true, 0, ENV_PREFIX, 0, ENV_PREFIX.length())
                    || isServiceLink(name.toUpperCase(Locale.ROOT), entry.getValue())) {
                continue;
            }
            String meant = meant(name.toUpperCase(Locale.ROOT), byEnvName.keySet());
            if (meant != null) {
                problems.add(unknown(name, source.name, entry.getValue(), meant));
            }
        }
        return source;
    }

    private static boolean isServiceLink(String name, String value) {
        return SERVICE_LINK.matcher(name).matches() || isServiceLinkPort(name, value);
    }

    /** {@code <SERVICE>_PORT=tcp://10.0.0.11:9469}: the one link variable told by its value. */
    private static boolean isServiceLinkPort(String name, String value) {
        return name.endsWith("_PORT") && SERVICE_LINK_PORT_VALUE.matcher(value).matches();
    }

    /** The same wording for every source; a value that may be a secret is not repeated. */
    private static String unknown(String name, String origin, String value, String meant) {
        boolean secret = mayBeSecret(name) || (meant != null && mayBeSecret(meant));
        return name + ": unknown key (from " + origin + ", " + (secret ? "value hidden" : "value \"" + value + "\"")
                + "); ignored" + (meant == null ? "" : " (did you mean " + meant + "?)");
    }

    private static boolean mayBeSecret(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("token");
    }

    /**
     * The known name that {@code name} is most likely a misspelling of: the nearest within
     * {@value #MAX_TYPO_EDITS} edits, else the nearest of those that share its first part after
     * the prefix ({@code KUBE9_JOURNAL_ENABLE}: the {@code KUBE9_JOURNAL_*} names), else, for a
     * dotted name, the nearest of those that end in its last part ({@code kube9.port}: {@code
     * kube9.exporter.port}); null when there is none. Both are spelt alike: {@code kube9.a.b} or
     * {@code KUBE9_A_B}. The last rule leaves environment variables alone: other {@code KUBE9_*}
     * variables may well be the service's own ({@code KUBE9_LOG_LEVEL}).
     */
    static String meant(String name, Collection<String> known) {
        String nearest = null;
        int nearestEdits = Integer.MAX_VALUE;
        String nearestInGroup = null;
        int nearestInGroupEdits = Integer.MAX_VALUE;
        String nearestSameEnd = null;
        int nearestSameEndEdits = Integer.MAX_VALUE;
        String group = group(name);
        int lastDot = name.lastIndexOf('.');
        String end = lastDot >= 0 ? name.substring(lastDot) : null; // ".port"
        for (String candidate : known) {
            int edits = edits(name, candidate);
            if (edits < nearestEdits) {
                nearest = candidate;
                nearestEdits = edits;
            }
            if (edits < nearestInGroupEdits && group.equals(group(candidate))) {
                nearestInGroup = candidate;
                nearestInGroupEdits = edits;
            }
            if (end != null && edits < nearestSameEndEdits && candidate.endsWith(end)) {
                nearestSameEnd = candidate;
                nearestSameEndEdits = edits;
            }
        }
        if (nearestEdits <= MAX_TYPO_EDITS) {
            return nearest;
        }
        return nearestInGroup != null ? nearestInGroup : nearestSameEnd;
    }

    /** {@code journal} of {@code kube9.journal.path}, {@code JOURNAL} of {@code KUBE9_JOURNAL_PATH}. */
    private static String group(String name) {
        int start = PREFIX.length(); // as long as ENV_PREFIX
        if (name.length() <= start) {
            return "";
        }
        int end = start;
        while (end < name.length() && name.charAt(end) != '.' && name.charAt(end) != '_') {
            end++;
        }
        return name.substring(start, end);
    }

    /** Insertions, deletions, substitutions and swaps of neighbours that turn one into the other. */
    private static int edits(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static Source fromFile(String file, List<String> problems) {
        Source source = new Source("file " + file);
        List<String> repeated = new ArrayList<>();
        @SuppressWarnings("serial")
        Properties properties = new Properties() {
            /** {@link Properties#load} puts each line's key and value in the file's order. */
            @Override
            public synchronized Object put(Object key, Object value) {
                String name = fullName((String) key);
                if (source.values.put(name, (String) value) != null && !repeated.contains(name)) {
                    repeated.add(name);
                }
                return super.put(key, value);
            }
        };
        try {
            Path path;
            try {
                path = Paths.get(file);
            } catch (InvalidPathException e) { // a NUL, or characters the JVM's file-name encoding cannot hold
                throw new IOException("not a path this JVM can open (" + e.getReason() + "; file names are "
                        + System.getProperty("sun.jnu.encoding") + " here)");
            }
            properties.load(new StringReader(readConfigFile(path)));
        } catch (IOException | IllegalArgumentException e) {
            String reason = e instanceof IllegalArgumentException ? "a malformed \\u escape (" + e.getMessage() + ")"
                    : e.getMessage();
            problems.add(Keys.CONFIG.name() + ": cannot read \"" + file + "\": " + reason + "; its keys are ignored");
            source.values.clear();
            return source;
        }
        for (String name : repeated) {
            problems.add(name + ": given twice in file " + file + "; the last line is used");
        }
        if (source.values.remove(Keys.CONFIG.name()) != null) {
            problems.add(Keys.CONFIG.name() + ": ignored in file " + file + " (a config file does not name another;"
                    + " give it as an agent argument, a system property or " + Keys.CONFIG.envName() + ")");
        }
        return source;
    }

    /**
     * The file's text, or an IOException whose message says in plain words what is wrong with it. Only
     * a regular file of at most {@value #MAX_CONFIG_BYTES} bytes is read: a FIFO held the service's
     * start for as long as nothing wrote to it, and {@code /dev/zero} filled the heap.
     */
    private static String readConfigFile(Path path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new IOException("no such file");
        } catch (AccessDeniedException e) {
            throw new IOException("permission denied");
        } catch (FileSystemException e) {
            throw new IOException(e.getReason() != null ? e.getReason() : "cannot be looked at");
        }
        if (attributes.isDirectory()) {
            throw new IOException("it is a directory");
        }
        if (!attributes.isRegularFile()) {
            throw new IOException("not a regular file (a pipe or a device is not read)");
        }
        if (attributes.size() > MAX_CONFIG_BYTES) {
            throw new IOException(attributes.size() + " bytes, more than a config file's " + MAX_CONFIG_BYTES);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (AccessDeniedException e) {
            throw new IOException("permission denied");
        } catch (FileSystemException e) {
            throw new IOException(e.getReason() != null ? e.getReason() : "cannot be read");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            // Editors on Windows start UTF-8 with a byte-order mark: it would become part of the first key.
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8 text");
        }
    }

    /** The name with the prefix: {@code Kube9.x} is taken as a misspelling of {@code kube9.x}, not as {@code kube9.Kube9.x}. */
    private static String fullName(String name) {
        return name.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) ? name : PREFIX + name;
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
