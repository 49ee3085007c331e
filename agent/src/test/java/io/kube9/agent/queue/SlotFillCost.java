package io.kube9.agent.queue;

/**
 * Not a test: what filling a queue slot costs the application's thread, and copying it out the
 * writer's, when the slots have been promoted to the old generation (as they are in any
 * service that runs for more than a few collections). Two ways of filling, alternating in one
 * JVM: {@code store-all} stores every reference field as the agent did up to the sixth round,
 * {@code fill} goes through {@link CapturedEvent#fill}, which skips a store when the field
 * already holds that string. Run it once per collector to see the write barrier's share:
 *
 * <pre>{@code java -XX:+UseG1GC -cp agent/target/classes:agent/target/test-classes io.kube9.agent.queue.SlotFillCost
 * java -XX:+UseParallelGC -cp agent/target/classes:agent/target/test-classes io.kube9.agent.queue.SlotFillCost}</pre>
 *
 * <p>One thread claims, fills and publishes; every 1,024 events the same thread drains them
 * (timed apart, reported as "copy out"). The event id and aggregate id are new objects per
 * event, young as an application's are. Arguments: rounds (default 8), events per round
 * (default 20,000,000).
 */
public final class SlotFillCost {
    private static final String[] TYPES = {"order.created", "order.paid", "order.shipped", "order.cancelled"};
    private static final String SOURCE = "com.example.orders.OrderService#record";
    private static final int DRAIN_EVERY = 1024;

    private SlotFillCost() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        long events = args.length > 1 ? Long.parseLong(args[1]) : 20_000_000L;
        EventQueue queue = new EventQueue(65_536);
        CapturedEvent[] rows = new CapturedEvent[DRAIN_EVERY];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new CapturedEvent();
        }
        String collector = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().get(0).getName();
        System.out.printf("collector: %s; ns per event, produce = claim + fill + publish, copy out = drainTo%n",
                collector);
        for (int round = 0; round < rounds; round++) {
            for (boolean skipUnchanged : new boolean[] {false, true}) {
                long[] nanos = run(queue, rows, events, skipUnchanged);
                System.out.printf("round %d  %-9s  produce %6.1f  copy out %6.1f%n", round,
                        skipUnchanged ? "fill" : "store-all", nanos[0] / (double) events, nanos[1] / (double) events);
            }
        }
    }

    private static long[] run(EventQueue queue, CapturedEvent[] rows, long events, boolean skipUnchanged) {
        String thread = Thread.currentThread().getName();
        long copyNanos = 0;
        long start = System.nanoTime();
        for (long i = 0; i < events; i++) {
            long position = queue.claim();
            CapturedEvent slot = queue.slot(position);
            Object id = new Object();
            String type = TYPES[(int) (i >>> 3) & 3];
            if (skipUnchanged) {
                slot.fill("recorder", SOURCE, type, "info", thread);
            } else {
                slot.site = "recorder";
                slot.source = SOURCE;
                slot.eventType = type;
                slot.severity = "info";
                slot.thread = thread;
                slot.payload = null;
            }
            slot.eventId = id;
            slot.aggregateId = id;
            slot.occurredAt = i;
            slot.recordedAt = i;
            slot.payloadBytes = -1;
            queue.publish(position);
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
}
