package io.kube9.agent.queue;

import java.lang.management.ManagementFactory;

/**
 * Not a test: where an event's cost goes when its lane is full (JMH's loop, an overloaded
 * service): nothing drains, so every event drops the oldest and fills the slot again. Three fills,
 * alternating in one JVM, each at several lane capacities:
 *
 * <ul>
 *   <li>{@code ids in slot}: what {@link Lane#put} does in a full lane, where the writer has made
 *       no young chunk: the event id and aggregate id stored into the old slot array, G1's write
 *       barrier and its StoreLoad fence included;
 *   <li>{@code no ids}: the same event without ids, so the same claim, drop and fill without the
 *       two reference stores;
 *   <li>{@code young array}: the ids stored into an array this thread makes every 256 events,
 *       outside the lane, and the event put without them. A yardstick (what the ids would cost if
 *       a young array were always there), not something the agent does: it allocates on the
 *       producing thread and the ids never reach the consumer.
 * </ul>
 *
 * <p>The capacities answer whether the slots' lines coming back cold after a lap (8 MB at the
 * default capacity) is what costs: a lane of 1,024 slots (64 KB) stays in the core's caches.
 * The figure is the thread's own CPU time per event; each event's id is a new object, young as an
 * application's is.
 *
 * <pre>{@code java -XX:+UseG1GC -cp agent/target/classes:agent/target/test-classes io.kube9.agent.queue.OverflowCost}</pre>
 *
 * <p>Arguments: rounds (default 6), events per fill (default 10,000,000).
 */
public final class OverflowCost {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int[] CAPACITIES = {1024, 8192, 65_536, 131_072};
    private static final String[] FILLS = {"ids in slot", "no ids", "young array"};
    private static final int YOUNG_ARRAY_EVENTS = 256;

    /** Where the yardstick fill keeps its array, so the JIT cannot drop the stores. */
    static Object[] young;

    private OverflowCost() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        long events = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        EventQueue[] queues = new EventQueue[CAPACITIES.length];
        StringBuilder header = new StringBuilder(String.format("%-5s  %-11s", "round", "fill"));
        for (int q = 0; q < CAPACITIES.length; q++) {
            queues[q] = new EventQueue(CAPACITIES[q]);
            header.append(String.format("  %9s", String.format("%,d", CAPACITIES[q])));
        }
        System.out.printf("%s, %s; a full lane of each capacity, nothing draining; CPU ns per event%n",
                ManagementFactory.getGarbageCollectorMXBeans().get(0).getName(), System.getProperty("java.version"));
        System.out.println(header);
        for (int round = 0; round < rounds; round++) {
            for (int fill = 0; fill < FILLS.length; fill++) {
                StringBuilder line = new StringBuilder(String.format("%-5d  %-11s", round, FILLS[fill]));
                for (EventQueue queue : queues) {
                    long dropped = queue.dropped();
                    double nanos = run(queue.lane(0), fill, events);
                    if (queue.dropped() - dropped < events / 2) {
                        throw new IllegalStateException("the lane was not full: " + (queue.dropped() - dropped) + " drops");
                    }
                    line.append(String.format("  %9.1f", nanos));
                }
                System.out.println(line);
            }
        }
    }

    private static double run(Lane lane, int fill, long events) {
        String thread = Thread.currentThread().getName();
        long before = THREADS.getCurrentThreadCpuTime();
        for (long i = 0; i < events; i++) {
            long position = lane.claim();
            if (position < 0) {
                continue;
            }
            Object id = new Object();
            Object inSlot = fill == 0 ? id : null;
            if (fill == 2) {
                int k = (int) (i & (YOUNG_ARRAY_EVENTS - 1));
                if (k == 0 || young == null) {
                    young = new Object[YOUNG_ARRAY_EVENTS * 2];
                }
                young[2 * k] = id;
                young[2 * k + 1] = id;
            }
            lane.put(position, "recorder", "com.example.orders.OrderService#record", "order.created", "info", thread,
                    inSlot, inSlot, i, i, -1, null);
        }
        return (THREADS.getCurrentThreadCpuTime() - before) / (double) events;
    }
}
