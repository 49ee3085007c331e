package io.kube9.agent.metrics;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps the distinct values one label takes from user data. The first {@code limit} values
 * seen are kept; every later new value becomes {@value #OTHER}, so a bad event type (an id in
 * the type field, say) cannot create millions of series.
 */
final class LabelLimiter {
    static final String OTHER = "other";
    private static final int MAX_LENGTH = 128;

    private final int limit;
    private final ConcurrentHashMap<String, Boolean> admitted = new ConcurrentHashMap<>();

    LabelLimiter(int limit) {
        this.limit = limit;
    }

    /** The label value to use for {@code raw}: itself, trimmed to a sane length, or "other". */
    String admit(String raw) {
        String value = wellFormed(raw);
        if (admitted.containsKey(value)) {
            return value;
        }
        synchronized (this) { // only on first sight of a value
            if (admitted.containsKey(value)) {
                return value;
            }
            if (admitted.size() >= limit) {
                return OTHER;
            }
            admitted.put(value, Boolean.TRUE);
            return value;
        }
    }

    /**
     * {@code raw} cut to {@value #MAX_LENGTH} characters, never between the two halves of a
     * character, and with every half without its other half (which the exposition formats write
     * as {@code ?}) as U+FFFD: the value as it will be written, so that two values written alike
     * are one series, not two with the same labels.
     */
    static String wellFormed(String raw) {
        int length = raw.length();
        if (length > MAX_LENGTH) {
            length = Character.isHighSurrogate(raw.charAt(MAX_LENGTH - 1)) ? MAX_LENGTH - 1 : MAX_LENGTH;
        }
        StringBuilder fixed = null;
        for (int i = 0; i < length; i++) {
            char c = raw.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(raw.charAt(i + 1));
            if (paired) {
                if (fixed != null) {
                    fixed.append(c).append(raw.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (fixed == null) {
                    fixed = new StringBuilder(length).append(raw, 0, i);
                }
                fixed.append('\uFFFD');
            } else if (fixed != null) {
                fixed.append(c);
            }
        }
        return fixed != null ? fixed.toString() : length == raw.length() ? raw : raw.substring(0, length);
    }
}
