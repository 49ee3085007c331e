package io.kube9.agent.journal;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 bytes of the strings that repeat row after row (site, source, type, severity,
 * thread), encoded once. sqlite-jdbc encodes every string it binds into a new array; the writer
 * binds these bytes as a blob instead and its statement casts them back to text ({@code CAST(? AS
 * TEXT)} reads a blob's bytes as text in the database's encoding, UTF-8; {@link JournalSchema}
 * refuses any other). The writer's thread then allocates 232 bytes a row instead of 408, for the
 * same CPU once compiled and warm ({@code WriterBindCost}, BENCHMARKS.md, thirteenth round).
 *
 * <p>A direct-mapped table of {@value #SLOTS} strings of at most {@value #MAX_CHARS} characters:
 * bounded whatever the service records, and a string that loses its slot is simply encoded again.
 * The writer's thread only.
 */
final class Utf8Strings {
    static final int SLOTS = 256;
    static final int MAX_CHARS = 128;

    private final String[] keys = new String[SLOTS];
    private final byte[][] values = new byte[SLOTS][];

    /** {@code text} in UTF-8, or null when it is null or longer than {@value #MAX_CHARS} characters. */
    byte[] of(String text) {
        if (text == null || text.length() > MAX_CHARS) {
            return null;
        }
        int hash = text.hashCode();
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        String key = keys[slot];
        if (key == text || text.equals(key)) {
            return values[slot];
        }
        byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
        keys[slot] = text;
        values[slot] = encoded;
        return encoded;
    }
}
