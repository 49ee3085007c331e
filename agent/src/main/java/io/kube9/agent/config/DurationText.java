package io.kube9.agent.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as text, one syntax for the configuration and the CLI: whole numbers each followed by
 * a unit, the units largest first and each at most once ({@code 500ms}, {@code 90s}, {@code 1m30s},
 * {@code 2h}, {@code 1h30m}, {@code 7d}), in any case, with {@code _} allowed between digits
 * ({@code 1_000ms}); and {@code 0}. What {@link #format} prints is always accepted back.
 */
public final class DurationText {
    /** The units, largest first, as {@link #parseOrNull} takes them in order. */
    private static final String[] UNITS = {"d", "h", "m", "s", "ms"};
    private static final Duration[] UNIT_LENGTHS = {
        Duration.ofDays(1), Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofMillis(1)
    };

    private DurationText() {}

    /** The duration {@code text} says, or null when it says none (or one too long for a {@link Duration}). */
    public static Duration parseOrNull(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        Duration total = Duration.ZERO;
        int at = 0;
        int nextUnit = 0; // units must come largest first, each once
        while (at < lower.length()) {
            int digitsEnd = at;
            while (digitsEnd < lower.length() && (isDigit(lower.charAt(digitsEnd))
                    || lower.charAt(digitsEnd) == '_' && digitsEnd > at)) {
                digitsEnd++;
            }
            if (digitsEnd == at || lower.charAt(digitsEnd - 1) == '_') {
                return null; // no number, or one that ends in '_'
            }
            int unit = unitAt(lower, digitsEnd, nextUnit);
            if (unit < 0) {
                return null;
            }
            try {
                long amount = Long.parseLong(lower.substring(at, digitsEnd).replace("_", ""));
                total = total.plus(UNIT_LENGTHS[unit].multipliedBy(amount));
            } catch (NumberFormatException | ArithmeticException tooLong) {
                return null;
            }
            at = digitsEnd + UNITS[unit].length();
            nextUnit = unit + 1;
        }
        return at == 0 ? null : total;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The index of the unit that starts at {@code at}, from {@code from} on; -1 if none does. */
    private static int unitAt(String text, int at, int from) {
        // "ms" before "m": of two units that both match, the longer is meant
        int found = -1;
        for (int unit = from; unit < UNITS.length; unit++) {
            if (text.startsWith(UNITS[unit], at) && (found < 0 || UNITS[unit].length() > UNITS[found].length())) {
                found = unit;
            }
        }
        return found;
    }

    /** Compact and exact: {@code 0s}, {@code 1h}, {@code 1h30m}, {@code 90ms}, {@code 2d3h}. */
    public static String format(Duration duration) {
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
}
