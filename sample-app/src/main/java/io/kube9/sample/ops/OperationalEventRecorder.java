package io.kube9.sample.ops;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps the most recent operational events in memory and counts all of them by type and severity.
 * Errors and criticals also get one line on stderr; stdout is reserved for the counts summary.
 */
public class OperationalEventRecorder {

    private final int capacity;
    private final Deque<OperationalEvent> recent;
    private final Map<TypeAndSeverity, LongAdder> recordedCounts = new ConcurrentHashMap<>();

    /** A count key; sorts by type, then by severity name, as the summary lists them. */
    public record TypeAndSeverity(String eventType, String severity) implements Comparable<TypeAndSeverity> {
        @Override
        public int compareTo(TypeAndSeverity other) {
            int byType = eventType.compareTo(other.eventType);
            return byType != 0 ? byType : severity.compareTo(other.severity);
        }
    }

    /** @param capacity how many of the most recent events to keep */
    public OperationalEventRecorder(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.recent = new ArrayDeque<>(capacity);
    }

    public void recordEvent(OperationalEvent event) {
        synchronized (recent) {
            if (recent.size() == capacity) {
                recent.removeFirst();
            }
            recent.addLast(event);
        }
        recordedCounts.computeIfAbsent(new TypeAndSeverity(event.eventType(), event.severity().label()),
                key -> new LongAdder()).increment();
        if (event.severity() == Severity.ERROR || event.severity() == Severity.CRITICAL) {
            System.err.println("[" + event.severity().label() + "] " + event.eventType() + ": " + event.message());
        }
    }

    /** The most recent events, oldest first. */
    public List<OperationalEvent> recentEvents() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** How many events were recorded, per (type, lower-case severity), sorted. */
    public Map<TypeAndSeverity, Long> recordedCounts() {
        Map<TypeAndSeverity, Long> counts = new TreeMap<>();
        recordedCounts.forEach((key, count) -> counts.put(key, count.sum()));
        return counts;
    }
}
