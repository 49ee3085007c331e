package io.kube9.agent.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded multi-producer queue of pre-allocated {@link CapturedEvent} slots that drops the
 * oldest event when full. Lock-free: a producer never waits for the consumer.
 *
 * <p>The slot protocol is Dmitry Vyukov's bounded queue: each slot carries a sequence number
 * that says whether it is free for position {@code p} ({@code seq == p}) or holds the event of
 * position {@code p} ({@code seq == p + 1}). When the slot a producer needs still holds an
 * unconsumed event, the producer takes the oldest event off the head itself (a counted drop)
 * and tries again; after a few failed rounds (the consumer or another producer is in the middle
 * of that very slot) it drops its own event instead of waiting. Every offered event therefore
 * ends exactly once: consumed by {@link #drainTo} or counted in {@link #dropped()}.
 *
 * <pre>{@code
 * long position = queue.claim();
 * if (position >= 0) {
 *     CapturedEvent slot = queue.slot(position);
 *     slot.eventType = "order.created";   // plain stores
 *     queue.publish(position);
 * }
 * }</pre>
 */
public final class EventQueue {
    private static final VarHandle SEQUENCE;
    private static final int ATTEMPTS = 4;

    static {
        try {
            SEQUENCE = MethodHandles.lookup().findVarHandle(Slot.class, "sequence", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Slot[] slots;
    private final int mask;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** @param requestedCapacity rounded up to a power of two */
    public EventQueue(int requestedCapacity) {
        int capacity = Integer.highestOneBit(Math.max(2, requestedCapacity) - 1) << 1;
        slots = new Slot[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = new Slot(i);
        }
        mask = capacity - 1;
    }

    public int capacity() {
        return slots.length;
    }

    /** Events waiting now (approximate while producers are busy). */
    public int size() {
        long size = tail.get() - head.get();
        return (int) Math.max(0, Math.min(size, slots.length));
    }

    /** Events dropped because the queue was full, oldest first. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * Claims the slot for one new event, dropping the oldest event if the queue is full.
     *
     * @return the position to fill and {@link #publish}, or -1 when this event itself was dropped
     */
    public long claim() {
        int fullRounds = 0;
        while (true) {
            long position = tail.get();
            Slot slot = slots[(int) position & mask];
            long difference = (long) SEQUENCE.getAcquire(slot) - position;
            if (difference == 0) {
                if (tail.compareAndSet(position, position + 1)) {
                    return position;
                }
                // another producer took this position first (it made progress): look again
            } else if (difference < 0) {
                // Full: the slot still holds the event of one lap ago. Only these rounds are
                // bounded; giving up on mere contention for the tail would drop events from a
                // queue with room to spare (EventQueueTest#aQueueLargeEnoughForEverythingDropsNothingUnderContention).
                if (++fullRounds > ATTEMPTS) {
                    dropped.incrementAndGet();
                    return -1;
                }
                dropOldest();
            }
            // difference > 0: other producers moved the tail on; look again
        }
    }

    public CapturedEvent slot(long position) {
        return slots[(int) position & mask].event;
    }

    /** Makes the filled slot of {@code position} visible to the consumer. */
    public void publish(long position) {
        SEQUENCE.setRelease(slots[(int) position & mask], position + 1);
    }

    /**
     * Moves up to {@code max} events into {@code into} (the consumer's own rows), oldest first.
     * Single consumer only.
     *
     * @return how many were moved
     */
    public int drainTo(CapturedEvent[] into, int max) {
        int count = 0;
        while (count < max) {
            long position = head.get();
            Slot slot = slots[(int) position & mask];
            long difference = (long) SEQUENCE.getAcquire(slot) - (position + 1);
            if (difference == 0) {
                if (head.compareAndSet(position, position + 1)) {
                    into[count++].copyFrom(slot.event);
                    slot.event.clear();
                    SEQUENCE.setRelease(slot, position + slots.length);
                }
            } else if (difference < 0) {
                break; // empty, or the next event is still being filled
            }
            // difference > 0: a producer dropped this one under us; look again
        }
        return count;
    }

    private void dropOldest() {
        long position = head.get();
        Slot slot = slots[(int) position & mask];
        if ((long) SEQUENCE.getAcquire(slot) == position + 1 && head.compareAndSet(position, position + 1)) {
            slot.event.clear();
            SEQUENCE.setRelease(slot, position + slots.length);
            dropped.incrementAndGet();
        }
    }

    private static final class Slot {
        @SuppressWarnings("unused") // accessed through SEQUENCE
        private long sequence;
        final CapturedEvent event = new CapturedEvent();

        Slot(long sequence) {
            this.sequence = sequence;
        }
    }

}
