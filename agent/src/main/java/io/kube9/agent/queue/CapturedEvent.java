package io.kube9.agent.queue;

/**
 * One captured event on its way to the journal: the journal writer's batch rows, reused batch
 * after batch, into which it takes events from the queue's lanes ({@link EventQueue#drainTo}).
 *
 * <p>{@code eventId}, {@code aggregateId} and {@code payload} hold the application's own
 * objects; they are turned into text or bytes on the writer's thread, not on the caller's.
 */
public final class CapturedEvent {
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
     * Where the consumer keeps the text of {@code eventId} and {@code aggregateId} once it has
     * copied it out of the application's objects (and let go of them): a start in its own
     * storage and a length; a length of -1 for no id.
     */
    public int eventIdStart;
    public int eventIdLength;
    public int aggregateIdStart;
    public int aggregateIdLength;

    /**
     * Sets the attributes that repeat from event to event, skipping each store whose field
     * already holds that very string: the rows are reused, and under G1 each store of a reference
     * into an old object that points elsewhere runs a write barrier with a full fence (see
     * {@link Lane#put}).
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

    /** Lets go of the application's objects once they are written. */
    public void clear() {
        eventId = null;
        aggregateId = null;
        payload = null;
    }
}
