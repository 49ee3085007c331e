package io.kube9.agent.cli;

import io.kube9.agent.config.DurationText;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** A resolved {@code --since}/{@code --until} pair; either end may be open (null). */
final class TimeWindow {
    static final TimeWindow UNBOUNDED = new TimeWindow(null, null);

    final Instant since;
    final Instant until;

    private TimeWindow(Instant since, Instant until) {
        this.since = since;
        this.until = until;
    }

    /** Resolves both ends against one "now"; a bad value or a reversed window is a usage error. */
    static TimeWindow resolve(CommandLine commandLine, TimeExpression since, TimeExpression until, Instant now) {
        Instant from = resolve(commandLine, "--since", since, now);
        Instant to = resolve(commandLine, "--until", until, now);
        if (from != null && to != null && from.isAfter(to)) {
            throw new ParameterException(commandLine,
                    "--since (" + Times.iso(from) + ") is after --until (" + Times.iso(to) + ")");
        }
        return new TimeWindow(from, to);
    }

    /** The {@code length} before {@code until}, resolved against {@code now}. */
    static TimeWindow endingAt(CommandLine commandLine, TimeExpression until, Duration length, Instant now) {
        Instant to = resolve(commandLine, "--until", until, now);
        try {
            Instant from = to.minus(length);
            from.toEpochMilli(); // the journal's times are milliseconds: the earliest they can hold, or an error
            return new TimeWindow(from, to);
        } catch (DateTimeException | ArithmeticException e) {
            throw new ParameterException(commandLine, "--until (" + Times.iso(to) + ") leaves no room for the "
                    + DurationText.format(length) + " before it that --since defaults to: give --since too");
        }
    }

    private static Instant resolve(CommandLine commandLine, String option, TimeExpression time, Instant now) {
        if (time == null) {
            return null;
        }
        try {
            return time.resolve(now);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, "Invalid value for option '" + option + "': " + e.getMessage());
        }
    }
}
