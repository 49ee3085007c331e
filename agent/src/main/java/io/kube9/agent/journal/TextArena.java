package io.kube9.agent.journal;

import java.nio.charset.StandardCharsets;

/**
 * The text of the batch's event and aggregate ids, copied out of the application's objects as the
 * writer drains them: a batch waits up to the flush interval (500 ms by default) before it is
 * committed, and kept for a retry if that fails, and the ids it held until then were the
 * service's own young objects, which each young collection in that time copied to survivor space
 * (BENCHMARKS.md, thirteenth round). Copied, the service's objects are let go of as soon as the
 * queue's slot is.
 *
 * <p>One array of characters for the whole batch, emptied once the batch is committed; halved when
 * a batch used less than a quarter of it, so that one burst of long ids does not keep it large.
 * The writer's thread only.
 */
final class TextArena {
    private static final int INITIAL_CHARS = 8192;

    private char[] chars = new char[INITIAL_CHARS];
    private int used;

    /**
     * Copies up to {@code maxChars} characters of {@code text} in.
     *
     * @return where they start, for {@link #utf8}
     */
    int add(String text, int maxChars) {
        int length = Math.min(text.length(), maxChars);
        if (chars.length - used < length) {
            char[] larger = new char[Math.max(chars.length * 2, used + length)];
            System.arraycopy(chars, 0, larger, 0, used);
            chars = larger;
        }
        text.getChars(0, length, chars, used);
        int start = used;
        used += length;
        return start;
    }

    /** The {@code length} characters from {@code start} in UTF-8, in an array of their own. */
    byte[] utf8(int start, int length) {
        char[] chars = this.chars;
        byte[] ascii = new byte[length]; // ids are ASCII as a rule: one pass, one array
        for (int i = 0; i < length; i++) {
            char c = chars[start + i];
            if (c >= 0x80) {
                return new String(chars, start, length).getBytes(StandardCharsets.UTF_8);
            }
            ascii[i] = (byte) c;
        }
        return ascii;
    }

    /** Empties the arena once what it held is written. */
    void clear() {
        if (chars.length > INITIAL_CHARS && used < chars.length / 4) {
            chars = new char[chars.length / 2];
        }
        used = 0;
    }

    int capacity() {
        return chars.length;
    }
}
