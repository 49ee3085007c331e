package io.kube9.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoTimesTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomInstantsInEveryShapeReadAsJavaTimeReadsThem(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextLong() % 253_402_300_799L; // years 0001 to 9999, before and after 1970
            second = Math.max(second, -62_135_596_800L);
            int nanos = random.nextInt(1_000_000_000);
            int hours = random.nextInt(37) - 18;
            int quarters = Math.abs(hours) == 18 ? 0 : random.nextInt(4) * 15 * 60;
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(hours * 3600 + (hours < 0 ? -quarters : quarters));
            OffsetDateTime time = Instant.ofEpochSecond(second, nanos).atOffset(offset);
            String text = time.format(DateTimeFormatter.ofPattern(pattern(random)));
            String withOffset = text + offsetText(offset, random);
            if (random.nextInt(10) == 0) {
                withOffset = withOffset.replace('T', 't').replace('Z', 'z');
            }

            long expected = LocalDateTime.parse(text).toInstant(offset).toEpochMilli(); // java.time's reading

            assertThat(IsoTimes.parse(withOffset)).as(withOffset).isEqualTo(expected);
        }
    }

    private static String pattern(Random random) {
        switch (random.nextInt(5)) {
            case 0:
                return "uuuu-MM-dd'T'HH:mm";
            case 1:
                return "uuuu-MM-dd'T'HH:mm:ss";
            default:
                return "uuuu-MM-dd'T'HH:mm:ss." + "S".repeat(1 + random.nextInt(9));
        }
    }

    private static String offsetText(ZoneOffset offset, Random random) {
        if (offset.getTotalSeconds() == 0 && random.nextBoolean()) {
            return "Z";
        }
        String id = offset.getTotalSeconds() == 0 ? "+00:00" : offset.getId();
        return random.nextInt(4) == 0 ? id.replace(":", "") : id;
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-05-01T10:15:30", "2024-05-01T10:15", "2024-05-01T10:15:30.5", "2024-13-01T10:15:30Z",
        "2024-02-30T10:15:30Z", "2023-02-29T00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T10:61:00Z"})
    void aTextWithoutOffsetOrWithAFieldOutOfRangeIsNoTime(String text) {
        assertThat(IsoTimes.parse(text)).isEqualTo(EventShape.NO_TIME);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-05-01T10:15:30Z[UTC]", "2024-05-01T10:15:30+02:00[Europe/Paris]",
        "2024-05-01T10:15:30.1234567890Z", "2024-05-01T10:15:30.Z", "2024-05-01T10:15:30+19:00",
        "2024-05-01T10:15:30+2:00", "+12024-05-01T10:15:30Z", "2024-05-01 10:15:30Z", "2024-05-01T10:15:60Z",
        "yesterday", "2024-05-01"})
    void otherShapesAreLeftToJavaTime(String text) {
        assertThat(IsoTimes.parse(text)).isEqualTo(IsoTimes.OTHER);
    }
}
