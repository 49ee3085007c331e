package io.kube9.sample.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One immutable fact in the event store.
 *
 * <p>The payload is UTF-8 JSON. It is not copied on the way in or out (an agent reads its length on
 * every append), so callers must treat the array as read-only.
 */
public record StoredEvent(String id, String aggregateId, String eventType, Instant occurredAt, byte[] payload) {

    public StoredEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(payload, "payload");
    }

    /** A new event with a fresh id, occurring now. */
    public static StoredEvent now(String aggregateId, String eventType, String jsonPayload) {
        return new StoredEvent(UUID.randomUUID().toString(), aggregateId, eventType, Instant.now(),
                jsonPayload.getBytes(StandardCharsets.UTF_8));
    }

    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    // Records compare arrays by identity; events are values, so compare payload contents instead.

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredEvent that
                && id.equals(that.id)
                && aggregateId.equals(that.aggregateId)
                && eventType.equals(that.eventType)
                && occurredAt.equals(that.occurredAt)
                && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, aggregateId, eventType, occurredAt) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "StoredEvent[id=" + id + ", aggregateId=" + aggregateId + ", eventType=" + eventType
                + ", occurredAt=" + occurredAt + ", payload=" + payloadText() + "]";
    }
}
