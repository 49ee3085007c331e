package io.kube9.agent.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * One lane of the {@link EventQueue}: a bounded multi-producer ring of captured events that drops
 * the oldest event when full. Lock-free: a producer never waits for the consumer.
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
 *     lane.put(position, "recorder", source, "order.created", ...);   // plain stores, then published
 * }
 * }</pre>
 *
 * <p><b>The slots are two arrays, not objects.</b> Slot {@code i} is {@value #REFS} references
 * from {@code refs[i * REFS]} and {@value #LONGS} longs (its sequence first) from {@code
 * longs[i * LONGS]}: 64 bytes with compressed references, the event's fields side by side as in an
 * object. Both arrays are allocated, whole, when the lane is made. At the default 131,072 slots a
 * lane each is 4 MiB, which G1 places straight into old regions of their own (an object of at
 * least half a region is "humongous"; regions are up to 8 MB on heaps below 32 GB): no young
 * collection ever copies them. As 131,072 objects of 80 bytes, made as the first lap's events
 * arrived, they were copied from survivor space to survivor space until old: in the sample
 * service under load 2-4 survivor regions instead of 1 and young pauses 2-3 ms longer for the
 * minute the first lap took, which tipped G1 into growing the heap by 80 MB in four of six runs
 * (BENCHMARKS.md, "The queue's slots as two arrays").
 *
 * <p><b>The event's ids go into young chunks.</b> Being old, the slot arrays make every store of a
 * reference into them pay G1's write barrier in full: a StoreLoad fence, which waits for the
 * stores before it to reach the cache, and a card to mark. The repeated strings are stored only
 * when they change; the event id and aggregate id change every event: filling a slot took 66-79 ns
 * with them, 13 ns without them and 17-38 ns with them in a young array ({@code SlotFillCost},
 * BENCHMARKS.md "The ids' young chunks"). So the consumer, as it drains, provides for the next
 * {@value #LOOKAHEAD_CHUNKS} chunks of positions ahead of the tail a fresh {@link IdChunk}: an
 * array for those positions' ids, allocated on its own thread and used within milliseconds, while
 * it is still young, when G1's barrier stops at the card check. A producer stores its ids into
 * the chunk when the chunk serves its very position (a chunk is made for one lap of its slots and
 * never reused), and into the slot otherwise: before the consumer has come round, or when it
 * falls behind and the lane is full. Each id is in exactly one place and the other is null, so
 * the consumer takes the slot's, or else the chunk's. Chunks are let go once their positions are
 * all taken.
 */
public final class Lane extends QueueCounters {
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle LONG = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int ATTEMPTS = 4;
    private static final int DROP_RUN_SHARE = 2048;
    private static final int MAX_DROP_RUN = 32;

    /** References a slot holds, and their places in it. */
    static final int REFS = 8;
    private static final int SITE = 0;
    private static final int SOURCE = 1;
    private static final int TYPE = 2;
    private static final int SEVERITY = 3;
    private static final int THREAD = 4;
    private static final int EVENT_ID = 5;
    private static final int AGGREGATE_ID = 6;
    private static final int PAYLOAD = 7;
    /** Longs a slot holds, and their places in it. */
    static final int LONGS = 4;
    private static final int SEQUENCE = 0;
    private static final int OCCURRED_AT = 1;
    private static final int RECORDED_AT = 2;
    private static final int PAYLOAD_BYTES = 3;
    /** Slots a chunk of ids serves at most; fewer in lanes of fewer than 16 times as many. */
    static final int MAX_CHUNK = 256;
    /** How many chunks the consumer provides ahead of the tail (at most a lap's). */
    static final int LOOKAHEAD_CHUNKS = 16;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(QueueHead.class, "head", long.class);
            TAIL = MethodHandles.lookup().findVarHandle(QueueTail.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] refs;
    private final long[] longs;
    private final int capacity;
    private final int mask;
    /** How many of the oldest events a full queue drops at once (see {@link #dropOldest}). */
    private final int dropRun;
    /** Drops happen on producers' threads, several at once when the writer falls behind. */
    private final LongAdder dropped = new LongAdder();
    /** The ids' chunks, one per {@link #chunkSize} slots; written by the consumer only. */
    private final IdChunk[] chunks;
    private final int chunkSize;
    private final int chunkShift;
    /** The consumer's: chunks are provided for every position below this one. */
    private long provided;
    /** The consumer's: chunks of positions below this one have been let go. */
    private long retired;
    /** Types and severities, one instance of each, shared by the queue's lanes. */
    private final SharedStrings strings;

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
        this(requestedCapacity, dropRun, new SharedStrings());
    }

    Lane(int requestedCapacity, int dropRun, SharedStrings strings) {
        this.strings = strings;
        capacity = EventQueue.roundedCapacity(requestedCapacity);
        mask = capacity - 1;
        refs = new Object[capacity * REFS];
        longs = new long[capacity * LONGS];
        for (int i = 0; i < capacity; i++) {
            longs[i * LONGS + SEQUENCE] = i; // in the first lap the slot of index i serves position i
        }
        this.dropRun = dropRun > 0
                ? Math.min(dropRun, capacity)
                : Math.max(1, Math.min(MAX_DROP_RUN, capacity / DROP_RUN_SHARE));
        chunkSize = Math.max(1, Math.min(MAX_CHUNK, capacity / 16));
        chunkShift = Integer.numberOfTrailingZeros(chunkSize);
        chunks = new IdChunk[capacity / chunkSize];
        provideChunks();
    }

    public int capacity() {
        return capacity;
    }

    /** Events in the lane now (approximate while producers are busy). */
    public int size() {
        long size = tail - head;
        return (int) Math.max(0, Math.min(size, capacity));
    }

    /** Events dropped because the queue was full, oldest first. */
    public long dropped() {
        return dropped.sum();
    }

    /**
     * Claims the slot for one new event, dropping the oldest events if the queue is full.
     *
     * @return the position to {@link #put}, or -1 when this event itself was dropped
     */
    public long claim() {
        int fullRounds = 0;
        while (true) {
            long position = tail;
            long difference = sequence(position) - position;
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
                if (position - head >= capacity) {
                    dropOldest(); // truly full: make room at the head
                }
                // else the writer has taken that event and is copying it out: look again
            }
            // difference > 0: other producers moved the tail on; look again
        }
    }

    /**
     * Fills the slot of a {@link #claim}ed position and hands it to the consumer. The attributes
     * that repeat from event to event are stored only when the slot does not hold that very
     * string already (types and severities are first swapped for their {@link SharedStrings}
     * instance): the slots are reused lap after lap, and (old, in G1) each store of a reference
     * that points elsewhere runs a write barrier with a full fence. Filling a slot took a median
     * 41.5 ns with every store and 31.9 ns this way (JDK 17; {@code SlotFillCost}, BENCHMARKS.md
     * "The capture path and G1").
     */
    public void put(long position, String site, String source, String eventType, String severity, String thread,
            Object eventId, Object aggregateId, long occurredAt, long recordedAt, long payloadBytes, Object payload) {
        int index = (int) position & mask;
        Object[] refs = this.refs;
        int r = index * REFS;
        storeIfOther(refs, r + SITE, site);
        storeIfOther(refs, r + SOURCE, source);
        storeIfOther(refs, r + TYPE, strings.of(eventType));
        storeIfOther(refs, r + SEVERITY, strings.of(severity));
        storeIfOther(refs, r + THREAD, thread);
        IdChunk chunk = chunks[index >>> chunkShift];
        if (chunk != null && chunk.first == (position & -chunkSize)) {
            Object[] ids = chunk.ids;
            int k = (index & (chunkSize - 1)) << 1;
            ids[k] = eventId;
            ids[k + 1] = aggregateId;
        } else { // no chunk serves this position: the slot's own places (cleared as it was taken)
            if (eventId != null) {
                refs[r + EVENT_ID] = eventId;
            }
            if (aggregateId != null) {
                refs[r + AGGREGATE_ID] = aggregateId;
            }
        }
        if (payload != null) { // else still null: cleared as the slot was taken
            refs[r + PAYLOAD] = payload;
        }
        long[] longs = this.longs;
        int l = index * LONGS;
        longs[l + OCCURRED_AT] = occurredAt;
        longs[l + RECORDED_AT] = recordedAt;
        longs[l + PAYLOAD_BYTES] = payloadBytes;
        LONG.setRelease(longs, l + SEQUENCE, position + 1);
    }

    private static void storeIfOther(Object[] refs, int at, Object value) {
        if (refs[at] != value) {
            refs[at] = value;
        }
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
        int count;
        do {
            count = takeRun(into, from, max); // -1: a producer dropped the oldest under us; look again
        } while (count < 0);
        retireChunks();
        provideChunks();
        return count;
    }

    /**
     * Consumer only: makes a fresh chunk for each chunk of positions from the tail to {@value
     * #LOOKAHEAD_CHUNKS} chunks ahead that has none yet, once the previous lap's events of its
     * slots are all taken (in a lane that is nearly full, none: producers use the slots).
     */
    private void provideChunks() {
        long head = this.head;
        long tail = this.tail;
        long start = Math.max(provided, tail & -chunkSize);
        long end = tail + (long) LOOKAHEAD_CHUNKS * chunkSize;
        while (start < end && start + chunkSize - capacity <= head) {
            chunks[(int) (start & mask) >>> chunkShift] = new IdChunk(start, chunkSize);
            start += chunkSize;
        }
        provided = start; // never below what it was: start began there at the least
    }

    /** Consumer only: lets go of the chunks whose positions are all taken (at most a lap's). */
    private void retireChunks() {
        long head = this.head;
        long position = Math.max(retired, (head & -chunkSize) - capacity);
        while (position + chunkSize <= head) {
            int c = (int) (position & mask) >>> chunkShift;
            IdChunk chunk = chunks[c];
            if (chunk != null && chunk.first <= position) {
                chunks[c] = null;
            }
            position += chunkSize;
        }
        retired = position;
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
        while (count < max && sequence(position + count) == position + count + 1) {
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
        Object[] refs = this.refs;
        long[] longs = this.longs;
        for (int i = 0; i < count; i++) {
            long taken = position + i;
            int index = (int) taken & mask;
            int r = index * REFS;
            int l = index * LONGS;
            IdChunk chunk = chunks[index >>> chunkShift];
            Object[] ids = chunk != null && chunk.first == (taken & -chunkSize) ? chunk.ids : null;
            int k = (index & (chunkSize - 1)) << 1;
            if (into != null) {
                CapturedEvent row = into[from + i];
                if (row == null) { // the consumer's rows are made as its batches first need them
                    row = new CapturedEvent();
                    into[from + i] = row;
                }
                row.fill((String) refs[r + SITE], (String) refs[r + SOURCE], (String) refs[r + TYPE],
                        (String) refs[r + SEVERITY], (String) refs[r + THREAD]);
                Object eventId = refs[r + EVENT_ID];
                Object aggregateId = refs[r + AGGREGATE_ID];
                if (ids != null) { // each id is in the slot or in the chunk, and the other place null
                    eventId = eventId != null ? eventId : ids[k];
                    aggregateId = aggregateId != null ? aggregateId : ids[k + 1];
                }
                row.eventId = eventId;
                row.aggregateId = aggregateId;
                row.payload = refs[r + PAYLOAD];
                row.occurredAt = longs[l + OCCURRED_AT];
                row.recordedAt = longs[l + RECORDED_AT];
                row.payloadBytes = longs[l + PAYLOAD_BYTES];
            }
            // Lets go of the application's objects: the repeated strings stay for the next lap,
            // unless the shared table does not hold them (they might be all different, and large).
            // A place already null is only read: the slot's line stays shared with the producers,
            // which (ids in a chunk, strings unchanged) only read it too. Dropped slots keep theirs:
            // their producer fills them at once.
            if (into != null) {
                clearUnlessShared(refs, r + TYPE);
                clearUnlessShared(refs, r + SEVERITY);
            }
            clear(refs, r + EVENT_ID);
            clear(refs, r + AGGREGATE_ID);
            clear(refs, r + PAYLOAD);
            if (ids != null) {
                ids[k] = null;
                ids[k + 1] = null;
            }
            LONG.setRelease(longs, l + SEQUENCE, taken + capacity);
        }
        return count;
    }

    private static void clear(Object[] refs, int at) {
        if (refs[at] != null) {
            refs[at] = null;
        }
    }

    private void clearUnlessShared(Object[] refs, int at) {
        Object value = refs[at];
        if (value != null && !strings.kept((String) value)) {
            refs[at] = null;
        }
    }

    private long sequence(long position) {
        return (long) LONG.getAcquire(longs, ((int) position & mask) * LONGS + SEQUENCE);
    }
}

/**
 * The ids of one lap of a run of a lane's slots: made by the consumer, filled by producers while
 * it is young, read and let go by the consumer (see {@link Lane}).
 */
final class IdChunk {
    /** The first position it serves; it serves the next {@code ids.length / 2}, no other lap. */
    final long first;
    /** Event id and aggregate id of each position in turn. */
    final Object[] ids;

    IdChunk(long first, int size) {
        this.first = first;
        this.ids = new Object[size * 2];
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
