package io.kube9.agent.queue;

/** Tests' and harnesses' way to fill a claimed slot from an event object. */
public final class Slots {
    private Slots() {}

    /** {@link Lane#put} with the attributes of {@code event}. */
    public static void put(Lane lane, long position, CapturedEvent event) {
        lane.put(position, event.site, event.source, event.eventType, event.severity, event.thread, event.eventId,
                event.aggregateId, event.occurredAt, event.recordedAt, event.payloadBytes, event.payload);
    }

    /** An event with {@code eventId} and {@code eventType} only, as most queue tests need. */
    public static CapturedEvent event(Object eventId, String eventType) {
        CapturedEvent event = new CapturedEvent();
        event.eventId = eventId;
        event.eventType = eventType;
        return event;
    }
}
