package io.kube9.bench.apps;

import io.kube9.bench.fixture.BenchEvent;
import io.kube9.bench.fixture.BenchEventRecorder;
import io.kube9.bench.fixture.BenchEventStore;
import io.kube9.bench.fixture.Events;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Feeds the agent's journal at a fixed rate: {@code threads} threads together record and store
 * {@code rate} events per second (half at a recorder site, half at a store site) for
 * {@code seconds}, then print {@code produced N in M ms, cpu C ns} and hold until killed, so the
 * harness can read the agent's counters. A rate of 0 means as fast as possible.
 *
 * <p>Producers work in bursts once a millisecond. C is the producer threads' own CPU time inside
 * their bursts, read before and after each: parking and waking for the next millisecond costs this
 * machine more CPU than a burst of 100 events, and counting it (as this app did before) buried the
 * events' cost under it. Run without the agent, the same command gives the baseline.
 *
 * <pre>{@code java -javaagent:kube9-agent.jar=... -cp kube9-benchmarks.jar io.kube9.bench.apps.CaptureLoadApp 100000 60 2}</pre>
 */
public final class CaptureLoadApp {
    private CaptureLoadApp() {}

    public static void main(String[] args) throws InterruptedException {
        double rate = Double.parseDouble(args[0]);
        long seconds = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        LongAdder produced = new LongAdder();
        LongAdder cpuNanos = new LongAdder();
        CountDownLatch done = new CountDownLatch(threads);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        System.out.println("started");
        System.out.flush();
        for (int t = 0; t < threads; t++) {
            double perThread = rate / threads;
            Thread thread = new Thread(() -> {
                try {
                    cpuNanos.add(produce(perThread, start, end, produced));
                } finally {
                    done.countDown();
                }
            }, "capture-load-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        done.await();
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("produced " + produced.sum() + " in " + elapsedMillis + " ms, cpu " + cpuNanos.sum() + " ns");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** @return the CPU time this thread spent in its bursts (not in pacing: parking costs more than 100 events) */
    private static long produce(double rate, long start, long end, LongAdder produced) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long burstCpu = 0;
        BenchEventRecorder recorder = new BenchEventRecorder();
        BenchEventStore store = new BenchEventStore();
        BenchEvent[] events = Events.some(1024);
        long count = 0;
        long now;
        while ((now = System.nanoTime()) < end) {
            long due = rate == 0 ? count + 1000 : (long) ((now - start) / 1e9 * rate);
            long burst = Math.min(due - count, 10_000);
            if (burst > 0) {
                long burstStart = threads.getCurrentThreadCpuTime(); // ~0.8 us here: read per burst, not per event
                for (long n = burst; n > 0; n--) {
                    BenchEvent event = events[(int) (count & 1023)];
                    if ((count & 1) == 0) {
                        recorder.recordEvent(event);
                    } else {
                        store.append(event);
                    }
                    count++;
                }
                burstCpu += threads.getCurrentThreadCpuTime() - burstStart;
            }
            if (rate > 0 && burst < 10_000) {
                // Always wait for the next millisecond: looking again at once would run bursts
                // of one or two events, each paying for the two CPU-time reads.
                LockSupport.parkNanos(1_000_000);
            }
        }
        produced.add(count);
        return burstCpu;
    }
}
