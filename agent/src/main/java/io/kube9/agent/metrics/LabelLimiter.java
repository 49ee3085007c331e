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
        String value = raw.length() > MAX_LENGTH ? raw.substring(0, MAX_LENGTH) : raw;
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
}
