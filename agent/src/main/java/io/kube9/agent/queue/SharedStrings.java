package io.kube9.agent.queue;

/**
 * One long-lived instance of each short string that events repeat (event types, severities), for
 * the queue's slots to hold instead of the application's own instance.
 *
 * <p>A service that reads its events from JSON or builds their types makes a new string for every
 * event. A queue slot keeps the type it was given until its lap comes round again (a slot stores
 * a type only when it differs from the one it holds, see {@link io.kube9.agent.queue.Lane#put}),
 * so at a few thousand events a second each such string lived for about a minute, referenced from
 * the queue's arrays in the old generation: every young collection copied tens of thousands of
 * them and scanned the cards that point at them. In the sample service G1's young pauses took
 * half as long again with the journal on (BENCHMARKS.md, "The journal and G1's young pauses").
 * Handed the instance kept here, the slots hold strings that are old themselves.
 *
 * <p>The table fills once, like a cache that never evicts: the first {@value #SIZE} distinct
 * strings (at most {@value #PROBES} to a hash) are kept, later ones are returned as they are
 * (correct, only without this saving). No lock: a slot is written once, from null, and a string's
 * fields are final, so a racing reader sees either null or the whole string.
 *
 * <p>A string not kept here is not left in a slot once its event is taken ({@link #kept}): a
 * service whose types are all different (an id in the type, a long text) had every one of them
 * held by the queue until its slot came round again, 262,144 at the default capacity; with types
 * of 4 KB, a service that needed 3 MB of heap ran out of 300 MB.
 */
final class SharedStrings {
    static final int SIZE = 1024;
    private static final int PROBES = 4;
    /** Longer strings are not kept: types are names, and the table must stay small. */
    static final int MAX_LENGTH = 256;

    private final String[] table = new String[SIZE];

    /** Whether {@code value} is the very instance kept here: a slot may hold it lap after lap. */
    boolean kept(String value) {
        if (value == null) {
            return false;
        }
        int hash = value.hashCode();
        for (int i = 0; i < PROBES; i++) {
            String kept = table[(hash + i) & (SIZE - 1)];
            if (kept == value) {
                return true;
            }
            if (kept == null) {
                return false;
            }
        }
        return false;
    }

    /** The instance of {@code value} kept here, or {@code value} itself (null too). */
    String of(String value) {
        if (value == null) {
            return null;
        }
        int hash = value.hashCode(); // cached in the string: the metrics have asked for it already
        for (int i = 0; i < PROBES; i++) {
            int index = (hash + i) & (SIZE - 1);
            String kept = table[index];
            if (kept == value) {
                return value;
            }
            if (kept == null) {
                if (value.length() <= MAX_LENGTH) {
                    table[index] = value;
                }
                return value;
            }
            if (kept.equals(value)) {
                return kept;
            }
        }
        return value;
    }
}
