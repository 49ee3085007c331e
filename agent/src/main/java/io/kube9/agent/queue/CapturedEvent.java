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
    /** The queue's lane it came through: set by the consumer as it takes the event. */
    public int lane;

    /**
     * Sets the attributes that repeat from event to event, skipping each store whose field
     * already holds that very string. Slots and batch rows are reused, so the site, source,
     * severity, thread and often the type are the ones they held a lap ago. Under G1 (the JVM's
     * default) every store of a reference into an object of the old generation runs a write
     * barrier with a full memory fence when it points to another region. Filling a slot took a
     * median 41.5 ns with every store and 31.9 ns this way (JDK 17; {@code SlotFillCost},
     * BENCHMARKS.md "The capture path and G1"); the load before each store costs less than
     * the fence, even when the line comes from the writer's core.
     */
    public void fill(String site, String source, String eventType, String severity, String thread) {
        if (this.site != site) {
            this.site = site;
        }
        if (this.source != source) {
            this.source = source;
        }
        if (this.eventType != eventType) {
            this.eventType = eventType;
        }
        if (this.severity != severity) {
            this.severity = severity;
        }
        if (this.thread != thread) {
            this.thread = thread;
        }
    }

    public void copyFrom(CapturedEvent other) {
        fill(other.site, other.source, other.eventType, other.severity, other.thread);
        eventId = other.eventId;
        aggregateId = other.aggregateId;
        occurredAt = other.occurredAt;
        recordedAt = other.recordedAt;
        payloadBytes = other.payloadBytes;
        if (payload != other.payload) {
            payload = other.payload;
        }
    }

    /** Lets go of the application's objects once they are written. */
    public void clear() {
        eventId = null;
        aggregateId = null;
        payload = null;
    }
}
