package io.kube9.agent.cli;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@code --since}/{@code --until} value: an ISO-8601 time ({@code 2026-11-22T03:12:00Z}; without
 * an offset it is UTC), a date ({@code 2026-11-22}, midnight UTC), {@code now}, or a duration
 * before now ({@code 90s}, {@code 15m}, {@code 1h30m}, {@code 7d}). Digits past the millisecond are
 * taken as the next millisecond ({@link #resolve}).
 *
 * <p>Parsing and resolving are separate so that one command resolves all its times against the
 * same "now".
 */
final class TimeExpression {
    static final String EXPECTED = "expected an ISO-8601 time such as 2026-11-22T03:12:00Z, a date such as"
            + " 2026-11-22, or a time before now such as 90s, 15m, 1h30m or 7d";
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /** The journal compares epoch milliseconds: a time must fit in a long of them. */
    static final Instant EARLIEST = Instant.ofEpochMilli(Long.MIN_VALUE);
    static final Instant LATEST = Instant.ofEpochMilli(Long.MAX_VALUE);

    private final String text;
    private final Instant absolute;
    private final Duration beforeNow;

    private TimeExpression(String text, Instant absolute, Duration beforeNow) {
        this.text = text;
        this.absolute = absolute;
        this.beforeNow = beforeNow;
    }

    /** @throws IllegalArgumentException naming what was expected and what was found */
    static TimeExpression parse(String text) {
        String trimmed = text.trim();
        if (trimmed.equalsIgnoreCase("now")) {
            return new TimeExpression(trimmed, null, Duration.ZERO);
        }
        Duration duration = Durations.parseOrNull(trimmed);
        if (duration != null) {
            return new TimeExpression(trimmed, null, duration);
        }
        try {
            if (DATE.matcher(trimmed).matches()) {
                Instant midnight = LocalDate.parse(trimmed).atStartOfDay(ZoneOffset.UTC).toInstant();
                return new TimeExpression(trimmed, midnight, null);
            }
            if (trimmed.indexOf('T') > 0) {
                Instant time = parseDateTime(trimmed);
                if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
                    throw new IllegalArgumentException("expected a time from " + EARLIEST + " to " + LATEST
                            + " (what the journal's epoch milliseconds can hold); found \"" + text + "\"");
                }
                return new TimeExpression(trimmed, time, null);
            }
        } catch (DateTimeParseException e) {
            // an impossible date such as 2026-02-30 falls through to the same message
        }
        if (trimmed.matches("\\d+")) {
            throw new IllegalArgumentException(EXPECTED + "; found \"" + text + "\" (a number needs a unit)");
        }
        throw new IllegalArgumentException(EXPECTED + "; found \"" + text + "\"");
    }

    private static Instant parseDateTime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException noOffset) {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        }
    }

    /**
     * A whole millisecond, as the journal's times are: a time between two is the later, so that a
     * row recorded at 03:09:00.000 is before 03:09:00.0005 for {@code --since} and {@code --until}
     * alike (the filter compared 03:09:00.000, cut down from it, and took the row for at or after it).
     *
     * @throws IllegalArgumentException when a duration reaches before the representable past
     */
    Instant resolve(Instant now) {
        if (absolute != null) {
            return upToWholeMillisecond(absolute);
        }
        try {
            Instant resolved = upToWholeMillisecond(now.minus(beforeNow));
            resolved.toEpochMilli(); // throws before EARLIEST
            return resolved;
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("\"" + text + "\" reaches too far into the past (the earliest time"
                    + " the journal's epoch milliseconds can hold is " + EARLIEST + ")");
        }
    }

    private static Instant upToWholeMillisecond(Instant time) {
        Instant down = time.truncatedTo(ChronoUnit.MILLIS);
        return down.equals(time) ? time : down.plusMillis(1);
    }

    @Override
    public String toString() {
        return text;
    }

    static final class Converter implements ITypeConverter<TimeExpression> {
        @Override
        public TimeExpression convert(String text) {
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
