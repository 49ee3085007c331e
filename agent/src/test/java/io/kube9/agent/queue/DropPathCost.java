package io.kube9.agent.queue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: what an event costs the application's thread when the queue is full (an
 * overloaded service: every event makes room by dropping the oldest), dropping one event at a
 * time against the queue's runs, alternating in one JVM. Each producer thread fills slots as
 * {@code CaptureSink} does; the figure is the producers' own CPU time per event (immune to being
 * descheduled on a shared machine), nothing drains. Each event is {@link SlotFillCost}'s.
 *
 * <pre>{@code java -cp agent/target/classes:agent/target/test-classes io.kube9.agent.queue.DropPathCost 2 8}</pre>
 *
 * <p>Arguments: producer threads (default 1), rounds (default 8), events per thread and round
 * (default 10,000,000).
 */
public final class DropPathCost {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private DropPathCost() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        long events = args.length > 2 ? Long.parseLong(args[2]) : 10_000_000L;
        EventQueue single = new EventQueue(65_536, 1);
        EventQueue runs = new EventQueue(65_536);
        System.out.printf("%d producer thread(s), a full queue of 65,536; CPU ns per event on the producers%n", threads);
        for (int round = 0; round < rounds; round++) {
            for (EventQueue queue : new EventQueue[] {single, runs}) {
                long dropsBefore = queue.dropped();
                double nanos = run(queue, threads, events);
                System.out.printf("round %d  %-16s  %6.1f ns/event  dropped %d%n", round,
                        queue == single ? "one at a time" : "runs (default)", nanos, queue.dropped() - dropsBefore);
            }
        }
    }

    private static double run(EventQueue queue, int threads, long events) throws Exception {
        AtomicLong cpu = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(threads);
        Thread[] producers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            producers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                String thread = Thread.currentThread().getName();
                long before = THREADS.getCurrentThreadCpuTime();
                for (long i = 0; i < events; i++) {
                    SlotFillCost.offer(queue, i, thread); // as CaptureSink fills a slot
                }
                cpu.addAndGet(THREADS.getCurrentThreadCpuTime() - before);
            }, "producer-" + t);
            producers[t].start();
        }
        for (Thread producer : producers) {
            producer.join();
        }
        return cpu.get() / (double) (events * threads);
    }
}
