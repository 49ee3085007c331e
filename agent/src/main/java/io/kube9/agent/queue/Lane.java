package io.kube9.agent.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * One lane of the {@link EventQueue}: a bounded multi-producer ring of pre-allocated {@link
 * CapturedEvent} slots that drops the oldest event when full. Lock-free: a producer never waits
 * for the consumer.
 *
 * <p>The slot protocol is Dmitry Vyukov's bounded queue: each slot carries a sequence number
 * that says whether it is free for position {@code p} ({@code seq == p}) or holds the event of
 * position {@code p} ({@code seq == p + 1}). When the slot a producer needs still holds an
 * unconsumed event, the producer takes the oldest events off the head itself (counted drops:
 * a run of 1/2,048 of the capacity, at most 32, see {@link #dropOldest}) and tries again;
 * after a few failed rounds (the consumer or another producer is in the middle of that very
 * slot) it drops its own event instead of waiting. Every offered event therefore
 * ends exactly once: consumed by {@link #drainTo} or counted in {@link #dropped()}.
 *
 * <pre>{@code
 * long position = lane.claim();
 * if (position >= 0) {
 *     CapturedEvent slot = lane.slot(position);
 *     slot.eventType = "order.created";   // plain stores
 *     lane.publish(position);
 * }
 * }</pre>
 */
public final class Lane extends QueueCounters {
    private static final VarHandle SEQUENCE;
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Slot[].class);
    private static final int ATTEMPTS = 4;
    private static final int DROP_RUN_SHARE = 2048;
    private static final int MAX_DROP_RUN = 32;
    private static final int SLOTS_AT_ONCE = 64;

    static {
        try {
            SEQUENCE = MethodHandles.lookup().findVarHandle(Slot.class, "sequence", long.class);
            HEAD = MethodHandles.lookup().findVarHandle(QueueHead.class, "head", long.class);
            TAIL = MethodHandles.lookup().findVarHandle(QueueTail.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Slot[] slots;
    private final int mask;
    /** How many of the oldest events a full queue drops at once (see {@link #dropOldest}). */
    private final int dropRun;
    /** Drops happen on producers' threads, several at once when the writer falls behind. */
    private final LongAdder dropped = new LongAdder();
    /** @param requestedCapacity rounded up to a power of two */
    Lane(int requestedCapacity) {
        this(requestedCapacity, 0);
    }

    /**
     * @param requestedCapacity rounded up to a power of two
     * @param dropRun how many of the oldest events a full queue drops at once; 0 for
     *     1/{@value #DROP_RUN_SHARE} of the capacity, from 1 to {@value #MAX_DROP_RUN}
     */
    Lane(int requestedCapacity, int dropRun) {
        int capacity = Integer.highestOneBit(Math.max(2, requestedCapacity) - 1) << 1;
        slots = new Slot[capacity]; // the slots themselves come with the first lap (see slotAt)
        mask = capacity - 1;
        this.dropRun = dropRun > 0
                ? Math.min(dropRun, capacity)
                : Math.max(1, Math.min(MAX_DROP_RUN, capacity / DROP_RUN_SHARE));
    }

    public int capacity() {
        return slots.length;
    }

    /** Events in the lane now (approximate while producers are busy). */
    public int size() {
        long size = tail - head;
        return (int) Math.max(0, Math.min(size, slots.length));
    }

    /** Events dropped because the queue was full, oldest first. */
    public long dropped() {
        return dropped.sum();
    }

    /**
     * Claims the slot for one new event, dropping the oldest events if the queue is full.
     *
     * @return the position to fill and {@link #publish}, or -1 when this event itself was dropped
     */
    public long claim() {
        int fullRounds = 0;
        while (true) {
            long position = tail;
            Slot slot = slotAt((int) position & mask);
            long difference = (long) SEQUENCE.getAcquire(slot) - position;
            if (difference == 0) {
                if (TAIL.compareAndSet(this, position, position + 1)) {
                    return position;
                }
                // another producer took this position first (it made progress): look again
            } else if (difference < 0) {
                // The slot still holds the event of one lap ago. Only these rounds are bounded:
                // giving up on mere contention for the tail would drop events from a queue with
                // room to spare (EventQueueTest#aQueueLargeEnoughForEverythingDropsNothingUnderContention),
                // and waiting without bound would block the application's thread.
                if (++fullRounds > ATTEMPTS) {
                    dropped.increment();
                    return -1;
                }
                if (position - head >= slots.length) {
                    dropOldest(); // truly full: make room at the head
                }
                // else the writer has taken that event and is copying it out: look again
            }
            // difference > 0: other producers moved the tail on; look again
        }
    }

    public CapturedEvent slot(long position) {
        return slots[(int) position & mask];
    }

    /** Makes the filled slot of {@code position} visible to the consumer. */
    public void publish(long position) {
        SEQUENCE.setRelease(slots[(int) position & mask], position + 1);
    }

    /**
     * Moves up to {@code max} events into {@code into} (the consumer's own rows) from index
     * {@code from}, oldest first. Single consumer only (through {@link EventQueue#drainTo}).
     *
     * <p>The run of published events at the head is taken with one compare-and-set of the head
     * (not one per event), which keeps the head's cache line away from producers that drop.
     * Once taken, those slots are the consumer's: their sequence still says "full", so no
     * producer claims or drops them until each is handed back.
     *
     * @return how many were moved
     */
    int drainTo(CapturedEvent[] into, int from, int max) {
        while (true) {
            int count = takeRun(into, from, max);
            if (count >= 0) {
                return count;
            }
            // a producer dropped the oldest under us; look again
        }
    }

    /**
     * Makes room in a full queue: drops the run of up to {@link #dropRun} oldest events at the
     * head. A run rather than one: each drop is a compare-and-set of the head, whose line the
     * writer and every dropping producer fight over, and in an overloaded service every event
     * makes one; one in a run of 32 (at the default capacity) pays it. Dropping 32 events when
     * one would have made room is 1/2,048 of the queue; the oldest still go first.
     */
    private void dropOldest() {
        int count = takeRun(null, 0, dropRun);
        if (count > 0) {
            dropped.add(count);
        }
        // else another producer or the writer moved the head, or the head is being filled: look again
    }

    /**
     * Takes the run of up to {@code max} published events at the head with one compare-and-set of
     * the head: copies them into {@code into} from {@code from} (or drops them when {@code into}
     * is null) and hands their slots back to the producers, oldest first.
     *
     * @return how many were taken, or -1 when the head moved while this looked at it
     */
    private int takeRun(CapturedEvent[] into, int from, int max) {
        long position = head;
        int count = 0;
        while (count < max && published(position + count)) {
            count++;
        }
        if (count == 0) {
            return 0; // empty, or the next event is still being filled
        }
        if (!HEAD.compareAndSet(this, position, position + count)) {
            return -1;
        }
        // Taken: the slots' sequences still say "full", so no producer claims or drops them
        // until each is handed back here.
        for (int i = 0; i < count; i++) {
            long taken = position + i;
            Slot slot = slots[(int) taken & mask];
            if (into != null) {
                into[from + i].copyFrom(slot);
            }
            slot.clear();
            SEQUENCE.setRelease(slot, taken + slots.length);
        }
        return count;
    }

    /** How many slots exist so far (they are made as the first lap's events arrive). */
    int slotsMade() {
        int made = 0;
        for (int i = 0; i < slots.length; i++) {
            if (SLOT.getAcquire(slots, i) != null) {
                made++;
            }
        }
        return made;
    }

    private boolean published(long position) {
        Slot slot = (Slot) SLOT.getAcquire(slots, (int) position & mask);
        return slot != null && (long) SEQUENCE.getAcquire(slot) == position + 1; // no slot yet: never claimed
    }

    /**
     * The slot of {@code index}, made on first use. A queue made its 65,536 slots (8 MB) when the
     * agent started, in the service's first second, and G1 copied them from collection to
     * collection until they were old: in the sample service that was the pause time that made G1
     * grow the heap by 130-180 MB at its fifth collection in 7 of 11 runs (none in 3 runs with
     * 16,384 slots; BENCHMARKS.md "Memory"). Made as events arrive, the slots of a service that
     * records a few thousand events a second come over seconds, most of them after its start-up.
     * The first event of each run of {@value #SLOTS_AT_ONCE} slots makes them all, next to each
     * other: in the first lap only, that event allocates 5 KB on the application's thread.
     */
    private Slot slotAt(int index) {
        Slot slot = (Slot) SLOT.getAcquire(slots, index);
        return slot != null ? slot : make(index);
    }

    private Slot make(int index) {
        int run = Math.min(SLOTS_AT_ONCE, slots.length);
        int first = index & -run;
        Slot wanted = null;
        for (int i = first; i < first + run; i++) {
            Slot slot = (Slot) SLOT.getAcquire(slots, i);
            if (slot == null) {
                // In the first lap the slot of index i serves position i, and is free for it.
                Slot made = new Slot(i);
                Slot witness = (Slot) SLOT.compareAndExchange(slots, i, null, made);
                slot = witness == null ? made : witness; // another producer may have made it first
            }
            if (i == index) {
                wanted = slot;
            }
        }
        return wanted;
    }

    /**
     * A slot is its event: one object, so a producer filling it touches the lines of one object
     * rather than a holder and the event it points to (at the default 131,072 slots a lane, 10 MB, the
     * ring does not stay in cache, and each line is a miss). Slots are allocated in runs, one after
     * another. They are not padded: 48 bytes of padding per slot (128 bytes a slot instead of 80)
     * showed no difference on this machine's producers that its noise could resolve, and would have
     * cost 6 MB at the default capacity (BENCHMARKS.md, seventh round).
     */
    private static final class Slot extends CapturedEvent {
        @SuppressWarnings("unused") // accessed through SEQUENCE
        private long sequence;

        Slot(long sequence) {
            this.sequence = sequence;
        }
    }
}

/*
 * The head (taken by the consumer, and by producers that drop) and the tail (taken by producers)
 * on cache lines of their own: on one line, every claim would stall the writer and every drain
 * the producers (false sharing). Superclass fields are laid out first, so the padding holds.
 */

abstract class QueuePadding0 {
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class QueueHead extends QueuePadding0 {
    volatile long head;
}

abstract class QueuePadding1 extends QueueHead {
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class QueueTail extends QueuePadding1 {
    volatile long tail;
}

abstract class QueueCounters extends QueueTail {
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}
