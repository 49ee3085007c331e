package io.kube9.sample.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesCompactObjectsThatParseBack() {
        String text = Json.object()
                .field("message", "say \"hi\"\n\tback\\slash \u0001")
                .field("amount", -1)
                .field("flag", true)
                .toString();

        assertTrue(text.contains("\"amount\":-1"), text);
        Json.JsonObject parsed = Json.parseObject(text);
        assertEquals(Optional.of("say \"hi\"\n\tback\\slash \u0001"), parsed.string("message"));
        assertEquals(Optional.of(-1L), parsed.integer("amount"));
        assertTrue(parsed.has("flag"));
    }

    @Test
    void blankTextIsAnEmptyObject() {
        assertFalse(Json.parseObject("  ").has("anything"));
        assertFalse(Json.parseObject(" { } ").has("anything"));
    }

    @Test
    void nullValuesCountAsAbsent() {
        Json.JsonObject parsed = Json.parseObject("{\"reason\": null}");
        assertFalse(parsed.has("reason"));
        assertEquals(Optional.empty(), parsed.string("reason"));
    }

    @Test
    void rejectsWhatItDoesNotSupport() {
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("{\"item\":{\"sku\":\"a\"}}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("{\"amount\":12.5}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("{\"a\":1} trailing"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("{\"a\":1"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("{\"a\":\"text\"}").integer("a"));
    }
}
