package io.kube9.sample.ops;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Something operators should know about, as opposed to a business fact in the event store. */
public record OperationalEvent(String eventType, Severity severity, String message, Instant timestamp) {

    /** The only operational event types there are. */
    public static final List<String> TYPES = List.of("cluster", "operator", "insight", "assessment", "health", "system");

    public OperationalEvent {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(timestamp, "timestamp");
        if (!TYPES.contains(eventType)) {
            throw new IllegalArgumentException("unknown operational event type '" + eventType + "' (expected one of " + TYPES + ")");
        }
    }
}
