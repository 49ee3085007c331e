package io.kube9.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration key: its name, its default and how its text becomes a value. The set of
 * keys is {@link Keys}; anything else is reported as unknown.
 */
public final class Key<T> {
    private final String name;
    private final String defaultText;
    private final Function<String, T> parser;
    private final String description;

    private Key(String name, String defaultText, Function<String, T> parser, String description) {
        this.name = name;
        this.defaultText = defaultText;
        this.parser = parser;
        this.description = description;
    }

    /** The full key, e.g. {@code kube9.exporter.port}. */
    public String name() {
        return name;
    }

    /** The default as text, or null where there is none. */
    public String defaultText() {
        return defaultText;
    }

    public String description() {
        return description;
    }

    /** The environment variable: upper case, dots and dashes as underscores. */
    public String envName() {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    T parse(String text) {
        return parser.apply(text.trim());
    }

    /** The value of the default, or null where there is none. */
    public T defaultValue() {
        return defaultText == null ? null : parse(defaultText);
    }

    static Key<Boolean> bool(String name, boolean defaultValue, String description) {
        return new Key<>(name, Boolean.toString(defaultValue), text -> {
            switch (text.toLowerCase(Locale.ROOT)) {
                case "true": case "yes": case "on": case "1": return true;
                case "false": case "no": case "off": case "0": return false;
                default: throw ConfigException.badValue(name, "true or false", text);
            }
        }, description);
    }

    static Key<Integer> integer(String name, int defaultValue, int min, int max, String description) {
        return new Key<>(name, Integer.toString(defaultValue), text -> {
            long value = parseWhole(name, text, "a whole number from " + min + " to " + max);
            if (value < min || value > max) {
                throw ConfigException.badValue(name, "a whole number from " + min + " to " + max, text);
            }
            return (int) value;
        }, description);
    }

    static Key<Long> count(String name, long defaultValue, String description) {
        return new Key<>(name, Long.toString(defaultValue), text -> {
            long value = parseWhole(name, text, "a whole number >= 0 (0 = no limit)");
            if (value < 0) {
                throw ConfigException.badValue(name, "a whole number >= 0 (0 = no limit)", text);
            }
            return value;
        }, description);
    }

    static Key<String> text(String name, String defaultValue, String description) {
        return new Key<>(name, defaultValue, text -> {
            if (text.isEmpty()) {
                throw ConfigException.badValue(name, "a non-empty value", text);
            }
            return text;
        }, description);
    }

    /**
     * Text taken as given, even empty, with no default: for keys whose default must never stand
     * in for a value that was given but is wrong. A bad exporter password or TLS file would
     * otherwise leave an open, plain-HTTP endpoint; here the part that uses the key checks it
     * and refuses to start instead (see {@code ExporterSecurity}).
     */
    static Key<String> unchecked(String name, String description) {
        return new Key<>(name, null, text -> text, description);
    }

    /** A list separated by {@code ;} or {@code |} (and {@code ,} outside agent arguments). */
    static Key<List<String>> list(String name, String defaultValue, String description) {
        return new Key<>(name, defaultValue, text -> {
            List<String> items = new ArrayList<>();
            for (String item : text.split("[;|,]")) {
                if (!item.trim().isEmpty()) {
                    items.add(item.trim());
                }
            }
            if (items.isEmpty()) {
                throw ConfigException.badValue(name, "a list separated by ';'", text);
            }
            return Collections.unmodifiableList(items);
        }, description);
    }

    /**
     * A list of accessor names: each a name, or a path of names joined by dots ({@code
     * metadata.uid}), none of them empty.
     */
    static Key<List<String>> accessors(String name, String defaultValue, String description) {
        Key<List<String>> list = list(name, defaultValue, description);
        return new Key<>(name, defaultValue, text -> {
            List<String> names = new ArrayList<>();
            for (String item : list.parser.apply(text)) {
                String[] steps = item.split("\\.", -1);
                for (int i = 0; i < steps.length; i++) {
                    steps[i] = steps[i].trim(); // "metadata . uid" means metadata.uid
                    if (steps[i].isEmpty()) {
                        throw ConfigException.badValue(name,
                                "accessor names separated by ';', a path's steps joined by single dots", text);
                    }
                }
                names.add(String.join(".", steps));
            }
            return Collections.unmodifiableList(names);
        }, description);
    }

    /** A duration such as {@code 90s}, {@code 15m}, {@code 1h30m}, {@code 7d} ({@link DurationText}), or {@code 0} for none. */
    static Key<Duration> duration(String name, String defaultValue, String description) {
        return new Key<>(name, defaultValue, text -> parseDuration(name, text), description);
    }

    /** A duration of at most {@code max}, such as {@code 250ms} or {@code 2s}; {@code 0} for none. */
    static Key<Duration> duration(String name, String defaultValue, Duration max, String description) {
        return new Key<>(name, defaultValue, text -> {
            Duration value = parseDuration(name, text);
            if (value.compareTo(max) > 0) {
                throw ConfigException.badValue(name, "a duration from 0 to " + max.getSeconds() + "s, such as 250ms or 2s",
                        text);
            }
            return value;
        }, description);
    }

    /** A size such as {@code 512MB}, {@code 2GB} or plain bytes; {@code 0} for none. */
    static Key<Long> bytes(String name, String defaultValue, String description) {
        return new Key<>(name, defaultValue, text -> parseBytes(name, text), description);
    }

    static <E extends Enum<E>> Key<E> choice(String name, E defaultValue, Class<E> type, String description) {
        return new Key<>(name, defaultValue.name().toLowerCase(Locale.ROOT), text -> {
            for (E value : type.getEnumConstants()) {
                if (value.name().equalsIgnoreCase(text)) {
                    return value;
                }
            }
            List<String> names = new ArrayList<>();
            for (E value : type.getEnumConstants()) {
                names.add(value.name().toLowerCase(Locale.ROOT));
            }
            throw ConfigException.badValue(name, "one of " + String.join(", ", names), text);
        }, description);
    }

    /** {@code digits} as a whole number; a problem names the whole {@code text} it was cut from. */
    private static long parseWhole(String name, String digits, String expected, String text) {
        try {
            return Long.parseLong(digits.replace("_", ""));
        } catch (NumberFormatException e) {
            throw ConfigException.badValue(name, expected, text);
        }
    }

    private static long parseWhole(String name, String text, String expected) {
        return parseWhole(name, text, expected, text);
    }

    /**
     * The longest duration any setting takes: a hundred years. Longer ones passed the parse and
     * overflowed where they were used, as nanoseconds added to a clock reading (a shutdown timeout of
     * 200000000000d ended the shutdown hook with an ArithmeticException, and the journal's last
     * batches with it).
     */
    public static final long MAX_DURATION_DAYS = 36_500;

    static Duration parseDuration(String name, String text) {
        Duration value = DurationText.parseOrNull(text);
        if (value == null || value.compareTo(Duration.ofDays(MAX_DURATION_DAYS)) > 0) {
            throw ConfigException.badValue(name,
                    "a duration such as 90s, 15m, 1h30m, 2h or 7d (0 = none) of at most " + MAX_DURATION_DAYS + "d", text);
        }
        return value;
    }

    private static long parseBytes(String name, String text) {
        String expected = "a size such as 4096, 64KB, 512MB or 2GB (0 = none)";
        String upper = text.toUpperCase(Locale.ROOT).replace(" ", "");
        long factor = 1;
        String[][] units = {{"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"}, {"B", "1"}};
        for (String[] unit : units) {
            if (upper.endsWith(unit[0])) {
                factor = Long.parseLong(unit[1]);
                upper = upper.substring(0, upper.length() - unit[0].length());
                break;
            }
        }
        long value = parseWhole(name, upper, expected, text);
        if (value < 0) {
            throw ConfigException.badValue(name, expected, text);
        }
        try {
            return Math.multiplyExact(value, factor);
        } catch (ArithmeticException tooLarge) {
            throw ConfigException.badValue(name, expected, text);
        }
    }
}
