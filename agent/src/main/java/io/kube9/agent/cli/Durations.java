package io.kube9.agent.cli;

import io.kube9.agent.config.DurationText;
import io.kube9.agent.config.Key;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations on the command line, as the agent's configuration writes them ({@link DurationText}:
 * {@code 500ms}, {@code 90s}, {@code 1m30s}, {@code 2h}, {@code 7d}), so that the same text means
 * the same thing in {@code kube9.journal.retention.age} and here.
 */
final class Durations {
    private Durations() {}

    /**
     * The duration, or null when {@code text} is not one. A bare {@code 0}, which the configuration
     * takes for "none", is not one here: on the command line a number needs its unit.
     */
    static Duration parseOrNull(String text) {
        return text.equals("0") ? null : DurationText.parseOrNull(text);
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
                throw new TypeConversionException("expected a duration above zero such as 500ms, 1s, 5m or 1m30s, of at most "
                        + DurationText.format(LONGEST_INTERVAL) + ", found \"" + text + "\"");
            }
            return duration;
        }
    }
}
