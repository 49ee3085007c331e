package io.kube9.agent.queue;

/**
 * One captured event on its way to the journal. Instances are the queue's pre-allocated slots
 * (and the writer's batch rows), reused over and over: the application's thread fills one with
 * plain field stores and never allocates one.
 *
 * <p>Not final only so that the queue's slots can be events themselves ({@code EventQueue.Slot}).
 *
 * <p>{@code eventId}, {@code aggregateId} and {@code payload} hold the application's own
 * objects; they are turned into text or bytes on the writer's thread, not on the caller's.
 */
public class CapturedEvent {
    public static final long NO_TIME = Long.MIN_VALUE;

    public String site;
    public String source;
    public String eventType;
    public String severity;
    public Object eventId;
    public Object aggregateId;
    /** The event's own time in epoch millis, or {@link #NO_TIME}. */
    public long occurredAt;
    public long recordedAt;
    /** Payload size in bytes, or -1 when the event has no payload we can measure. */
    public long payloadBytes;
    public Object payload;
    public String thread;

    public void copyFrom(CapturedEvent other) {
        site = other.site;
        source = other.source;
        eventType = other.eventType;
        severity = other.severity;
        eventId = other.eventId;
        aggregateId = other.aggregateId;
        occurredAt = other.occurredAt;
        recordedAt = other.recordedAt;
        payloadBytes = other.payloadBytes;
        payload = other.payload;
        thread = other.thread;
    }

    /** Lets go of the application's objects once they are written. */
    public void clear() {
        eventId = null;
        aggregateId = null;
        payload = null;
    }
}
