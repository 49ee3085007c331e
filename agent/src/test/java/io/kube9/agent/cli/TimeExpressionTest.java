package io.kube9.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimeExpressionTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "90s,                           2026-11-22T11:58:30Z",
        "15m,                           2026-11-22T11:45:00Z",
        "2h,                            2026-11-22T10:00:00Z",
        "7d,                            2026-11-15T12:00:00Z",
        "1500ms,                        2026-11-22T11:59:58.500Z",
        "1h30m,                         2026-11-22T10:30:00Z",
        "1m30s,                         2026-11-22T11:58:30Z",
        "0s,                            2026-11-22T12:00:00Z",
        "now,                           2026-11-22T12:00:00Z",
        "NOW,                           2026-11-22T12:00:00Z",
        "' 15m ',                       2026-11-22T11:45:00Z",
        "2026-11-22T03:12:00Z,          2026-11-22T03:12:00Z",
        "2026-11-22T03:12:00.250Z,      2026-11-22T03:12:00.250Z",
        "2026-11-22T03:12:00.2500001Z,  2026-11-22T03:12:00.251Z",
        "2026-11-22T03:12:00.999999Z,   2026-11-22T03:12:01Z",
        "1969-12-31T23:59:59.9995Z,     1970-01-01T00:00:00Z",
        "2026-11-22T04:12:00+01:00,     2026-11-22T03:12:00Z",
        "2026-11-22T03:12:00,           2026-11-22T03:12:00Z",
        "2026-11-22T03:12,              2026-11-22T03:12:00Z",
        "2026-11-22,                    2026-11-22T00:00:00Z",
        "1970-01-01,                    1970-01-01T00:00:00Z",
    })
    void resolves(String text, String expected) {
        assertThat(TimeExpression.parse(text).resolve(NOW)).isEqualTo(Instant.parse(expected));
    }

    @Test
    void aTimeBeforeNowIsAWholeMillisecond() {
        Instant now = Instant.parse("2026-11-22T12:00:00.123456789Z"); // the clock has nanoseconds

        assertThat(TimeExpression.parse("15m").resolve(now)).isEqualTo(Instant.parse("2026-11-22T11:45:00.124Z"));
        assertThat(TimeExpression.parse("now").resolve(now)).isEqualTo(Instant.parse("2026-11-22T12:00:00.124Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "15", "-15m", "15 m", "1.5h", "15min", "2w", "30m1h", "1h1h", "0", "2026-02-30",
        "2026-11-22T25:00:00Z", "22/11/2026", "2026-11-22 03:12:00"})
    void rejects(String text) {
        assertThatThrownBy(() -> TimeExpression.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(TimeExpression.EXPECTED)
                .hasMessageContaining("found \"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "+292278994-08-17T07:12:55.808Z",
        "-292275055-05-16T16:47:04.191Z", "+300000000-01-01T00:00"})
    void anAbsoluteTimeBeyondTheJournalsTimesIsRejected(String text) {
        assertThatThrownBy(() -> TimeExpression.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a time from -292275055-05-16T16:47:04.192Z to +292278994-08-17T07:12:55.807Z"
                        + " (what the journal's epoch milliseconds can hold); found \"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-292275055-05-16T16:47:04.192Z", "+292278994-08-17T07:12:55.807Z"})
    void theFirstAndLastMillisecondAreAccepted(String text) {
        assertThat(TimeExpression.parse(text).resolve(NOW)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"15", "900"})
    void aBareNumberIsToldItNeedsAUnit(String text) {
        assertThatThrownBy(() -> TimeExpression.parse(text)).hasMessageEndingWith("(a number needs a unit)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"999999999999d", "200000000000d"})
    // Beyond Instant's range, and within it but beyond what epoch milliseconds (a long) can hold.
    void aDurationBeyondTheJournalsTimesIsRejectedWhenResolved(String text) {
        TimeExpression expression = TimeExpression.parse(text);

        assertThatThrownBy(() -> expression.resolve(NOW)).hasMessageContaining("too far into the past");
    }
}
