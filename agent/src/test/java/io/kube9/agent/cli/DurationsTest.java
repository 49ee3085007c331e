package io.kube9.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"500ms, PT0.5S", "1s, PT1S", "90s, PT1M30S", "15m, PT15M", "2h, PT2H", "7d, PT168H", "2H, PT2H", "500MS, PT0.5S",
        "15M, PT15M", "1m30s, PT1M30S", "1h30m, PT1H30M", "2d3h, PT51H"})
    void parses(String text, String expected) {
        assertThat(Durations.parseOrNull(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "1", "1x", "s", "-1s", "1.5s", "1 s", "30m1h"})
    void isNullForAnythingElse(String text) {
        assertThat(Durations.parseOrNull(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "0ms", "soon"})
    void intervalsMustBePositive(String text) {
        assertThatThrownBy(() -> new Durations.PositiveConverter().convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("found \"" + text + "\"");
    }
}
