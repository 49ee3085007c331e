package io.kube9.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AppOptionsTest {

    @Test
    void defaults() throws UsageException {
        AppOptions options = AppOptions.parse();

        assertEquals(8080, options.port());
        assertEquals(Path.of("sample-events.db"), options.store());
        assertEquals(OptionalInt.empty(), options.load());
        assertEquals(0, options.rate());
        assertEquals(42, options.seed());
        assertEquals(2, options.threads());
        assertFalse(options.hold());
        assertEquals(0, options.projectionDelayMillis());
    }

    @Test
    void parsesEveryFlagInBothSpellings() throws UsageException {
        AppOptions options = AppOptions.parse("--port", "0", "--store=/tmp/x.db", "--load", "2000", "--rate", "12.5",
                "--seed=-7", "--threads", "4", "--hold", "--projection-delay-ms", "20");

        assertEquals(0, options.port());
        assertEquals(Path.of("/tmp/x.db"), options.store());
        assertEquals(OptionalInt.of(2000), options.load());
        assertEquals(12.5, options.rate());
        assertEquals(-7, options.seed());
        assertEquals(4, options.threads());
        assertTrue(options.hold());
        assertEquals(20, options.projectionDelayMillis());
    }

    @Test
    void errorsNameTheBadFlagAndValue() {
        assertMessage("invalid value 'abc' for --port: expected an integer from 0 to 65535", "--port", "abc");
        assertMessage("invalid value '0' for --threads: expected an integer from 1 to 256", "--threads", "0");
        assertMessage("option --load needs a value", "--load");
        assertMessage("unknown option '--verbose'", "--verbose");
        assertMessage("option --hold takes no value", "--hold=yes");
        assertThrows(UsageException.class, () -> AppOptions.parse("--rate", "-1"));
        assertThrows(UsageException.class, () -> AppOptions.parse("--rate", "NaN"));
    }

    private static void assertMessage(String expected, String... args) {
        assertEquals(expected, assertThrows(UsageException.class, () -> AppOptions.parse(args)).getMessage());
    }
}
