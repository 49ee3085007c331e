package io.kube9.sample.json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Just enough JSON for this service: payloads and request bodies are flat objects whose values are
 * strings, integers, booleans or null. Keeping it this small avoids a JSON library on the class
 * path, which would only blur what an agent attached to this service is observing.
 */
public final class Json {

    private Json() {
    }

    /** Starts a flat JSON object; fields are written in the order they are added. */
    public static ObjectWriter object() {
        return new ObjectWriter();
    }

    /**
     * Parses a flat JSON object. A blank text is treated as an empty object, since request bodies are
     * optional.
     *
     * @throws IllegalArgumentException if the text is not a flat JSON object
     */
    public static JsonObject parseObject(String text) {
        if (text == null || text.isBlank()) {
            return new JsonObject(Map.of());
        }
        return new JsonObject(new Parser(text).parseFlatObject());
    }

    static String quote(String value) {
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    /** Builds a compact JSON object (no whitespace, so payload sizes are predictable). */
    public static final class ObjectWriter {
        private final StringBuilder text = new StringBuilder("{");

        private ObjectWriter() {
        }

        public ObjectWriter field(String name, String value) {
            return raw(name, value == null ? "null" : quote(value));
        }

        public ObjectWriter field(String name, long value) {
            return raw(name, Long.toString(value));
        }

        public ObjectWriter field(String name, boolean value) {
            return raw(name, Boolean.toString(value));
        }

        private ObjectWriter raw(String name, String encodedValue) {
            if (text.length() > 1) {
                text.append(',');
            }
            text.append(quote(name)).append(':').append(encodedValue);
            return this;
        }

        @Override
        public String toString() {
            return text + "}";
        }
    }

    /** A parsed flat object with typed accessors. */
    public static final class JsonObject {
        private final Map<String, Object> fields;

        private JsonObject(Map<String, Object> fields) {
            this.fields = fields;
        }

        public Optional<String> string(String name) {
            Object value = fields.get(name);
            if (value == null) {
                return Optional.empty();
            }
            if (value instanceof String string) {
                return Optional.of(string);
            }
            throw new IllegalArgumentException("field '" + name + "' must be a string");
        }

        public Optional<Long> integer(String name) {
            Object value = fields.get(name);
            if (value == null) {
                return Optional.empty();
            }
            if (value instanceof Long number) {
                return Optional.of(number);
            }
            throw new IllegalArgumentException("field '" + name + "' must be an integer");
        }

        public boolean has(String name) {
            return fields.get(name) != null;
        }
    }

    /** Recursive descent is unnecessary for flat objects: one pass over the characters does it. */
    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text;
        }

        Map<String, Object> parseFlatObject() {
            Map<String, Object> fields = new LinkedHashMap<>();
            expect('{');
            skipWhitespace();
            if (peek() == '}') {
                position++;
            } else {
                while (true) {
                    skipWhitespace();
                    String name = parseString();
                    expect(':');
                    fields.put(name, parseValue());
                    skipWhitespace();
                    char separator = next();
                    if (separator == '}') {
                        break;
                    }
                    if (separator != ',') {
                        throw error("expected ',' or '}'");
                    }
                }
            }
            skipWhitespace();
            if (position != text.length()) {
                throw error("unexpected trailing content");
            }
            return fields;
        }

        private Object parseValue() {
            skipWhitespace();
            char c = peek();
            if (c == '"') {
                return parseString();
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return parseInteger();
            }
            if (text.startsWith("true", position)) {
                position += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("false", position)) {
                position += 5;
                return Boolean.FALSE;
            }
            if (text.startsWith("null", position)) {
                position += 4;
                return null;
            }
            if (c == '{' || c == '[') {
                throw error("nested objects and arrays are not supported");
            }
            throw error("unexpected character '" + c + "'");
        }

        private Long parseInteger() {
            int start = position;
            if (peek() == '-') {
                position++;
            }
            while (position < text.length() && Character.isDigit(text.charAt(position))) {
                position++;
            }
            if (position < text.length() && ".eE".indexOf(text.charAt(position)) >= 0) {
                throw error("only integer numbers are supported (amounts are in cents)");
            }
            try {
                return Long.parseLong(text.substring(start, position));
            } catch (NumberFormatException e) {
                throw error("invalid integer");
            }
        }

        private String parseString() {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return value.toString();
                }
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                char escaped = next();
                switch (escaped) {
                    case '"', '\\', '/' -> value.append(escaped);
                    case 'b' -> value.append('\b');
                    case 'f' -> value.append('\f');
                    case 'n' -> value.append('\n');
                    case 'r' -> value.append('\r');
                    case 't' -> value.append('\t');
                    case 'u' -> {
                        if (position + 4 > text.length()) {
                            throw error("truncated unicode escape");
                        }
                        try {
                            value.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                        } catch (NumberFormatException e) {
                            throw error("invalid unicode escape");
                        }
                        position += 4;
                    }
                    default -> throw error("invalid escape '\\" + escaped + "'");
                }
            }
        }

        private void expect(char expected) {
            skipWhitespace();
            if (next() != expected) {
                throw error("expected '" + expected + "'");
            }
        }

        private char peek() {
            if (position >= text.length()) {
                throw error("unexpected end of input");
            }
            return text.charAt(position);
        }

        private char next() {
            char c = peek();
            position++;
            return c;
        }

        private void skipWhitespace() {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }

        private IllegalArgumentException error(String problem) {
            return new IllegalArgumentException("invalid JSON at offset " + position + ": " + problem);
        }
    }
}
