package io.kube9.bench.apps;

import io.kube9.bench.fixture.BenchEvent;
import io.kube9.bench.fixture.BenchEventRecorder;
import io.kube9.bench.fixture.Events;
import java.util.concurrent.locks.LockSupport;

/**
 * What one recorder call costs by its place in a burst: {@code burst} calls, then the thread
 * parks for a millisecond (as a service thread waits for its next request), over and over for
 * {@code seconds}; prints the mean wall-clock nanoseconds of the call at a few positions of the
 * burst (each includes one {@code System.nanoTime()}, ~30 ns here). JMH's loop keeps every line the
 * call touches in cache; this shows what the same call costs in the first calls after a wait.
 *
 * <p>Each call gets a fresh copy of a pre-built event, as a service records an event it has just
 * built ({@code reuse} passes the pre-built ones, cold after the wait, as {@code CaptureLoadApp} does).
 *
 * <pre>{@code java [-javaagent:kube9-agent.jar=...] -cp kube9-benchmarks.jar io.kube9.bench.apps.BurstProbe 100 8 [reuse]}</pre>
 */
public final class BurstProbe {
    private static final long WARM_UP_NANOS = 3_000_000_000L;

    private BurstProbe() {}

    public static void main(String[] args) {
        int burst = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        boolean reuse = args.length > 2 && args[2].equals("reuse");
        BenchEventRecorder recorder = new BenchEventRecorder();
        BenchEvent[] events = Events.some(1024);
        long[] total = new long[burst];
        long rounds = 0;
        long count = 0;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long now;
        while ((now = System.nanoTime()) < end) {
            boolean measured = now - start > WARM_UP_NANOS;
            for (int i = 0; i < burst; i++) {
                BenchEvent built = events[(int) (count++ & 1023)];
                BenchEvent event = reuse ? built : new BenchEvent(built.id(), built.aggregateId(), built.eventType(),
                        built.severity(), built.timestamp(), built.payload());
                long before = System.nanoTime();
                recorder.recordEvent(event);
                long took = System.nanoTime() - before;
                if (measured) {
                    total[i] += took;
                }
            }
            if (measured) {
                rounds++;
            }
            LockSupport.parkNanos(1_000_000);
        }
        StringBuilder line = new StringBuilder("ns by position in a burst of " + burst + ":");
        for (int i = 0; i < burst; i++) {
            if (i < 4 || i % 20 == 0 || i == burst - 1) {
                line.append(' ').append(i).append('=').append(rounds == 0 ? 0 : total[i] / rounds);
            }
        }
        System.out.println(line);
    }
}
