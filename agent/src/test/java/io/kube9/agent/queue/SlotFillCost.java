package io.kube9.agent.queue;

/**
 * Not a test: what filling a queue slot costs the application's thread once the slots have been
 * promoted to the old generation (as they are in any service that runs for more than a few
 * collections), through {@link Lane#put}, which skips a store when the slot already holds that
 * string and puts the event's ids into the consumer's young chunks. (Up to the tenth round this
 * compared that with storing every reference, in slots that were objects: 41.5 against 31.9 ns,
 * BENCHMARKS.md "The capture path and G1"; the fifteenth round ran it on the classes before and
 * after the chunks: "The ids' young chunks".) The event id and aggregate id are new objects per
 * event, young as an application's are.
 *
 * <p>Two set-ups. Without burst arguments one thread claims, fills and publishes, and every
 * 1,024 events drains them itself (timed apart, reported as "copy out"): the lines stay on one
 * core, and running it once per collector shows the write barrier's share. With them, a second
 * thread drains as fast as it can (as the journal writer would, without SQLite) and the
 * producer works in bursts with a pause between them, so that the slots' lines come back from
 * the other core as they do in a service:
 *
 * <pre>{@code java -XX:+UseG1GC -cp agent/target/classes:agent/target/test-classes io.kube9.agent.queue.SlotFillCost
 * java -XX:+UseParallelGC -cp ... io.kube9.agent.queue.SlotFillCost
 * java -cp ... io.kube9.agent.queue.SlotFillCost 6 3000000 100 20000}</pre>
 *
 * <p>Arguments: rounds (default 8), events per round (default 20,000,000), and optionally events
 * per burst and the pause between bursts in ns.
 */
public final class SlotFillCost {
    private static final String[] TYPES = {"order.created", "order.paid", "order.shipped", "order.cancelled"};
    private static final String SOURCE = "com.example.orders.OrderService#record";
    private static final int DRAIN_EVERY = 1024;
    private static final int WRITER_BATCH = 5000;

    private static volatile boolean stopped;

    private SlotFillCost() {}

    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        long events = args.length > 1 ? Long.parseLong(args[1]) : 20_000_000L;
        int burst = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        long pauseNanos = args.length > 3 ? Long.parseLong(args[3]) : 0;
        EventQueue queue = new EventQueue(65_536);
        Thread writer = null;
        if (burst > 0) {
            writer = new Thread(() -> drainUntilStopped(queue), "writer");
            writer.start();
        }
        String collector = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().get(0).getName();
        System.out.printf("collector: %s; %s; ns per event%n", collector, burst > 0
                ? "bursts of " + burst + ", " + pauseNanos + " ns apart, drained by another thread"
                : "produce = claim + fill + publish, copy out = drainTo on the same thread");
        CapturedEvent[] rows = rows(DRAIN_EVERY);
        for (int round = 0; round < rounds; round++) {
            String name = "put";
            if (burst > 0) {
                long dropped = queue.dropped();
                double nanos = inBursts(queue, events, burst, pauseNanos) / (double) events;
                System.out.printf("round %d  %-9s  produce %6.1f  (dropped %d)%n", round, name, nanos,
                        queue.dropped() - dropped);
            } else {
                long[] nanos = drainingItself(queue, rows, events);
                System.out.printf("round %d  %-9s  produce %6.1f  copy out %6.1f%n", round, name,
                        nanos[0] / (double) events, nanos[1] / (double) events);
            }
        }
        stopped = true;
        if (writer != null) {
            writer.join();
        }
    }

    private static long[] drainingItself(EventQueue queue, CapturedEvent[] rows, long events) {
        String thread = Thread.currentThread().getName();
        long copyNanos = 0;
        long start = System.nanoTime();
        for (long i = 0; i < events; i++) {
            offer(queue, i, thread);
            if (i % DRAIN_EVERY == DRAIN_EVERY - 1) {
                long drainStart = System.nanoTime();
                int count = queue.drainTo(rows, DRAIN_EVERY);
                queue.written(count);
                for (int r = 0; r < count; r++) {
                    rows[r].clear();
                }
                copyNanos += System.nanoTime() - drainStart;
            }
        }
        return new long[] {System.nanoTime() - start - copyNanos, copyNanos};
    }

    /** @return the nanoseconds spent inside the bursts */
    private static long inBursts(EventQueue queue, long events, int burst, long pauseNanos) {
        String thread = Thread.currentThread().getName();
        long working = 0;
        long i = 0;
        while (i < events) {
            long start = System.nanoTime();
            for (int b = 0; b < burst; b++, i++) {
                offer(queue, i, thread);
            }
            long end = System.nanoTime();
            working += end - start;
            while (System.nanoTime() - end < pauseNanos) {
                Thread.onSpinWait();
            }
        }
        return working;
    }

    /** One event shaped like the sample's: new id objects, repeated strings. */
    static void offer(EventQueue queue, long i, String thread) {
        long position = queue.lane(0).claim();
        if (position < 0) {
            return;
        }
        String type = TYPES[(int) (i >>> 3) & 3];
        Object id = new Object();
        queue.lane(0).put(position, "recorder", SOURCE, type, "info", thread, id, id, i, i, -1, null);
    }

    private static void drainUntilStopped(EventQueue queue) {
        CapturedEvent[] rows = rows(WRITER_BATCH);
        while (!stopped) {
            int count = queue.drainTo(rows, WRITER_BATCH);
            queue.written(count);
            for (int r = 0; r < count; r++) {
                rows[r].clear();
            }
            if (count == 0) {
                Thread.onSpinWait();
            }
        }
    }

    private static CapturedEvent[] rows(int count) {
        CapturedEvent[] rows = new CapturedEvent[count];
        for (int i = 0; i < count; i++) {
            rows[i] = new CapturedEvent();
        }
        return rows;
    }
}
