package io.kube9.agent.cli;

import io.kube9.agent.config.Key;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as the agent's configuration writes them ({@code 500ms}, {@code 90s}, {@code 15m},
 * {@code 2h}, {@code 7d}): one whole number and one unit, so that the same text means the same
 * thing in {@code kube9.journal.retention.age} and on the command line.
 */
final class Durations {
    private static final Pattern AMOUNT_AND_UNIT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private Durations() {}

    /** The duration, or null when {@code text} is not one. */
    static Duration parseOrNull(String text) {
        Matcher matcher = AMOUNT_AND_UNIT.matcher(text.toLowerCase(Locale.ROOT)); // 2H, as the configuration takes it
        if (!matcher.matches()) {
            return null;
        }
        long amount = Long.parseLong(matcher.group(1));
        switch (matcher.group(2)) {
            case "ms": return Duration.ofMillis(amount);
            case "s": return Duration.ofSeconds(amount);
            case "m": return Duration.ofMinutes(amount);
            case "h": return Duration.ofHours(amount);
            default: return Duration.ofDays(amount);
        }
    }

    /** Compact and exact: {@code 1h}, {@code 1h30m}, {@code 90ms}, {@code 2d3h}. */
    static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        long days = duration.toDays();
        Duration rest = duration.minusDays(days);
        append(text, days, "d");
        append(text, rest.toHours(), "h");
        append(text, rest.toMinutesPart(), "m");
        append(text, rest.toSecondsPart(), "s");
        append(text, rest.toMillisPart(), "ms");
        return text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount != 0) {
            text.append(amount).append(unit);
        }
    }

    /**
     * The longest wait between two looks at the journal, the configuration's longest duration:
     * longer ones overflowed the sleep's milliseconds.
     */
    static final Duration LONGEST_INTERVAL = Duration.ofDays(Key.MAX_DURATION_DAYS);

    /** For {@code --interval}: a positive duration of at most {@link #LONGEST_INTERVAL}. */
    static final class PositiveConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration duration = parseOrNull(text.trim());
            if (duration == null || duration.isZero() || duration.compareTo(LONGEST_INTERVAL) > 0) {
                throw new TypeConversionException("expected a duration above zero such as 500ms, 1s or 5m, of at most "
                        + format(LONGEST_INTERVAL) + ", found \"" + text + "\"");
            }
            return duration;
        }
    }
}
