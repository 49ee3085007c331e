package io.kube9.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, PT0S", "0s, PT0S", "500ms, PT0.5S", "90s, PT1M30S", "15m, PT15M", "2h, PT2H", "7d, PT168H",
        "1m30s, PT1M30S", "1h30m, PT1H30M", "2d3h, PT51H", "1s500ms, PT1.5S", "1m1ms, PT1M0.001S",
        "1d2h3m4s5ms, PT26H3M4.005S", "1H30M, PT1H30M", "500MS, PT0.5S", "1_000ms, PT1S", "0h0m, PT0S"
    })
    void parses(String text, String expected) {
        assertThat(DurationText.parseOrNull(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "1", "00", "s", "ms", "1x", "-1s", "+1s", "1.5s", "1 s", "1h 30m", "30m1h", "1h1h", "1s1m", "1ms1s",
        "_1s", "1_s", "1h30", "h30m", "1hm", "٣s", "99999999999999999999s", "9223372036854775807d"
    })
    void isNullForAnythingElse(String text) {
        assertThat(DurationText.parseOrNull(text)).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"PT0S, 0s", "PT1H, 1h", "PT1H30M, 1h30m", "PT0.09S, 90ms", "PT51H, 2d3h", "PT1M0.5S, 1m500ms"})
    void formatsCompactly(String duration, String expected) {
        assertThat(DurationText.format(Duration.parse(duration))).isEqualTo(expected);
    }

    @Test
    void whatItFormatsItParsesBack() {
        for (Duration duration : new Duration[] {
            Duration.ofMillis(1), Duration.ofSeconds(59, 999_000_000), Duration.ofDays(36_500),
            Duration.parse("P3DT4H5M6.007S"), Duration.ofHours(25), Duration.ofMinutes(61)
        }) {
            assertThat(DurationText.parseOrNull(DurationText.format(duration))).as("%s", duration).isEqualTo(duration);
        }
    }
}
