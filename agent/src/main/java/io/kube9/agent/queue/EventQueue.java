package io.kube9.agent.queue;

/**
 * The agent's bounded queue of captured events: one or more {@link Lane}s, each a lock-free ring
 * that drops its oldest events when full, and one consumer (the journal writer) that drains them
 * all.
 *
 * <p>A thread always fills the same lane, picked by the number the bridge gave it: with one lane,
 * two threads recording at once claim neighbouring slots, and every event moves the tail's line
 * and the slots' lines from one core to the other. With two lanes, two busy threads never meet,
 * and more threads meet half as often. Each lane holds an equal share of the capacity and drops
 * its own oldest; events of one thread keep their order, and {@link #drainTo} takes each lane's
 * run in turn and marks each row with its lane, so the writer can merge them by time.
 *
 * <pre>{@code
 * Lane lane = queue.lane(thread);
 * long position = lane.claim();
 * if (position >= 0) {
 *     lane.put(position, "recorder", source, "order.created", ...);
 * }
 * }</pre>
 */
public final class EventQueue {
    /** Bytes a slot takes with compressed references (the JVM's default on heaps below 32 GB). */
    public static final int SLOT_BYTES = Lane.REFS * 4 + Lane.LONGS * 8;
    /** The least {@link SlotFootprint#capacityWithin} gives. */
    static final int MIN_FITTED_CAPACITY = 1024;

    private final Lane[] lanes;
    private final int mask;
    /** Where the next drain starts: the consumer goes round the lanes (its own field). */
    private int nextLane;
    /** Events the consumer took but has not yet reported {@link #written}; only it writes this. */
    private volatile int inFlight;
    /**
     * Odd while the consumer is between taking events out of the lanes and counting them in
     * {@link #inFlight}: {@link #size} waits that moment out, rather than miss the events
     * (at exit, a batch being taken looked like an empty queue, and exit did not wait for it).
     */
    private volatile int draining;
    /** Events the consumer took and could not write ({@link #discarded}); only it writes this. */
    private volatile long discarded;

    /** One lane of {@code requestedCapacity}, rounded up to a power of two. */
    public EventQueue(int requestedCapacity) {
        this(new Lane[] {new Lane(requestedCapacity)});
    }

    /** One lane that drops {@code dropRun} of its oldest at once when full (see {@link Lane}). */
    EventQueue(int requestedCapacity, int dropRun) {
        this(new Lane[] {new Lane(requestedCapacity, dropRun)});
    }

    private EventQueue(Lane[] lanes) {
        this.lanes = lanes;
        this.mask = lanes.length - 1;
    }

    /**
     * @param requestedCapacity of all lanes together, rounded up to a power of two, at least two
     *     slots a lane
     * @param requestedLanes rounded up to a power of two
     */
    public static EventQueue laned(int requestedCapacity, int requestedLanes) {
        int laneCount = roundedLanes(requestedLanes);
        int capacity = roundedCapacity(requestedCapacity);
        Lane[] lanes = new Lane[laneCount];
        SharedStrings strings = new SharedStrings();
        for (int i = 0; i < laneCount; i++) {
            lanes[i] = new Lane(Math.max(2, capacity / laneCount), 0, strings);
        }
        return new EventQueue(lanes);
    }

    /** What a queue asked for {@code requestedCapacity} holds: the next power of two, at least 2. */
    public static int roundedCapacity(int requestedCapacity) {
        return Integer.highestOneBit(Math.max(2, requestedCapacity) - 1) << 1;
    }

    /** How many lanes a queue asked for {@code requestedLanes} has: the next power of two, at least 1. */
    static int roundedLanes(int requestedLanes) {
        return Math.max(1, Integer.highestOneBit(Math.max(1, requestedLanes) - 1) << 1);
    }

    /**
     * The lane of the thread with this number ({@code Kube9Bridge} numbers threads in turn): the
     * same thread always gets the same lane, and threads numbered one after the other get
     * different ones.
     */
    public Lane lane(int thread) {
        return lanes[thread & mask];
    }

    public int lanes() {
        return lanes.length;
    }

    public int capacity() {
        return lanes.length * lanes[0].capacity(); // lanes are equal
    }

    /**
     * Events waiting for the journal now: in the lanes, or taken by the writer and not yet
     * written (approximate while producers are busy).
     */
    public int size() {
        for (int attempt = 1; ; attempt++) {
            int before = draining;
            if ((before & 1) == 0) {
                int size = inFlight;
                for (Lane lane : lanes) {
                    size += lane.size();
                }
                if (draining == before) {
                    return size;
                }
            }
            if (attempt % 64 == 0) {
                Thread.yield(); // the consumer may be off its core in the middle of a drain
            } else {
                Thread.onSpinWait(); // a drain takes microseconds
            }
        }
    }

    /**
     * Events dropped: because their lane was full, oldest first, and those the consumer took and
     * {@link #discarded}.
     */
    public long dropped() {
        long dropped = discarded;
        for (Lane lane : lanes) {
            dropped += lane.dropped();
        }
        return dropped;
    }

    /** Events dropped because their lane was full (not those {@link #discarded}). */
    public long droppedWhenFull() {
        long dropped = 0;
        for (Lane lane : lanes) {
            dropped += lane.dropped();
        }
        return dropped;
    }

    /** The consumer wrote {@code count} of the events it took; they no longer count as waiting. */
    public void written(int count) {
        inFlight -= count; // single consumer: no lost update
    }

    /**
     * The consumer took {@code count} events it cannot write (a failure that would repeat): they
     * count as dropped, so that every event offered still ends written or dropped.
     */
    public void discarded(int count) {
        inFlight -= count; // single consumer: no lost update
        discarded += count;
    }

    /**
     * Lets go of every event waiting in the lanes, each counted as dropped ({@link #discarded}):
     * for a journal that will not open, whose queue no one would drain again. The slots let go of
     * the service's objects (ids, payloads), and with them, in a service that unloads code (a
     * redeployed web application, a plugin), of its class loaders. Single consumer only.
     *
     * @return how many were dropped
     */
    public long discardAll() {
        CapturedEvent[] rows = new CapturedEvent[256];
        long dropped = 0;
        int taken;
        while ((taken = drainTo(rows, rows.length)) > 0) {
            discarded(taken);
            dropped += taken;
        }
        return dropped;
    }

    public int drainTo(CapturedEvent[] into, int max) {
        return drainTo(into, 0, max);
    }

    /**
     * Moves up to {@code max} events into {@code into} from index {@code from}: each lane's oldest
     * in turn, starting one lane further at every call, each row marked with its {@link
     * CapturedEvent#lane}; a null element of {@code into} gets a new row. Single consumer only.
     *
     * @return how many were moved
     */
    public int drainTo(CapturedEvent[] into, int from, int max) {
        draining++; // single consumer: no lost update
        int moved = 0;
        int start = nextLane;
        try {
            for (int i = 0; i < lanes.length && moved < max; i++) {
                int lane = (start + i) & mask;
                int taken = lanes[lane].drainTo(into, from + moved, max - moved);
                for (int row = from + moved; row < from + moved + taken; row++) {
                    into[row].lane = lane;
                }
                moved += taken;
            }
            nextLane = (start + 1) & mask;
        } finally {
            inFlight += moved;
            draining++; // even again, whatever happened: size() must never wait for good
        }
        return moved;
    }
}
