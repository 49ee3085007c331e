package io.kube9.agent.capture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Wall-clock milliseconds for the application's thread, read from a field that a ticker thread
 * refreshes every millisecond while the clock is read densely, and from the system clock itself
 * otherwise.
 *
 * <p>Both ways cost something. {@link System#currentTimeMillis()} takes ~31 ns here; a ticker
 * wake-up takes ~20 us of CPU (35 us in a busy service), so a ticker that wakes 1,000 times a
 * second costs 2-3% of a core, which a service reading the clock a few thousand times a second
 * would never win back (BENCHMARKS.md, eighth round). The ticker therefore runs only above
 * {@value #DENSE_READS_PER_MS} reads per millisecond, where it is the cheaper of the two for
 * the whole process, and stops once reads fall below half that. Below it, the ticker looks at
 * the count of reads ten times a second (once a second while there are none).
 *
 * <p>Readers count their reads in a few striped, padded counters without any atomic (a lost
 * increment only blurs the rate), so counting costs a plain add to a line of the reader's own.
 *
 * <pre>{@code
 * CoarseClock clock = CoarseClock.start("kube9-clock");
 * long recordedAt = clock.millis();
 * }</pre>
 */
public final class CoarseClock {
    /** Reads per millisecond above which ticking costs the process less than reading the system clock. */
    static final int DENSE_READS_PER_MS = 500;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long IDLE_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Counters: 8 stripes, each on a 128-byte line pair of its own (16 longs apart). */
    private static final int STRIPES = 8;
    private static final int STRIDE = 16;
    private static final VarHandle READS = MethodHandles.arrayElementVarHandle(long[].class);

    private final int denseReadsPerMs;
    private final long sampleNanos;
    private final long[] reads = new long[(STRIPES + 1) * STRIDE];
    private volatile long millis = System.currentTimeMillis();
    private volatile boolean ticking;

    CoarseClock(int denseReadsPerMs, long sampleNanos) {
        this.denseReadsPerMs = denseReadsPerMs;
        this.sampleNanos = sampleNanos;
    }

    /** A clock with its ticker running as daemon thread {@code threadName}. */
    public static CoarseClock start(String threadName) {
        return start(threadName, DENSE_READS_PER_MS, SAMPLE_NANOS);
    }

    static CoarseClock start(String threadName, int denseReadsPerMs, long sampleNanos) {
        CoarseClock clock = new CoarseClock(denseReadsPerMs, sampleNanos);
        Thread thread = new Thread(clock::run, threadName);
        thread.setDaemon(true);
        thread.setContextClassLoader(CoarseClock.class.getClassLoader());
        try {
            thread.start();
        } catch (RuntimeException | OutOfMemoryError noThread) {
            // A process at its limit of threads: never ticking, every read is the system clock's.
        }
        return clock;
    }

    /** Milliseconds since the epoch: the system clock's, or at most about a millisecond old. */
    public long millis() {
        reads[(((int) Thread.currentThread().getId() & (STRIPES - 1)) + 1) * STRIDE]++;
        return ticking ? millis : System.currentTimeMillis();
    }

    /**
     * {@link #millis()}, or the system clock when that reading is earlier than {@code time}: an
     * event stamped a moment ago must not look as if it happened after it was handled (a negative
     * lag). Costs the system clock only for events younger than the clock's last tick.
     */
    public long millisNotBefore(long time) {
        long now = millis();
        return now >= time ? now : System.currentTimeMillis();
    }

    /** Whether the ticker is running now (tests). */
    boolean ticking() {
        return ticking;
    }

    private long readsSoFar() {
        long sum = 0;
        for (int stripe = 1; stripe <= STRIPES; stripe++) {
            sum += (long) READS.getOpaque(reads, stripe * STRIDE);
        }
        return sum;
    }

    private void run() {
        long lastReads = readsSoFar();
        long lastSample = System.nanoTime();
        long pause = sampleNanos;
        while (true) {
            LockSupport.parkNanos(pause);
            long count = readsSoFar();
            long now = System.nanoTime();
            long window = count - lastReads;
            boolean dense = window * TICK_NANOS >= denseReadsPerMs * Math.max(1, now - lastSample);
            lastReads = count;
            lastSample = now;
            pause = window == 0 ? IDLE_SAMPLE_NANOS : sampleNanos;
            if (dense) {
                lastReads = tickWhileDense(lastReads);
                lastSample = System.nanoTime();
                pause = sampleNanos;
            }
        }
    }

    /** Ticks until a sample period sees fewer than half the dense rate; returns the read count then. */
    private long tickWhileDense(long lastReads) {
        millis = System.currentTimeMillis();
        ticking = true;
        long sampleStart = System.nanoTime();
        while (true) {
            LockSupport.parkNanos(TICK_NANOS);
            millis = System.currentTimeMillis();
            long now = System.nanoTime();
            if (now - sampleStart < sampleNanos) {
                continue;
            }
            long count = readsSoFar();
            long window = count - lastReads;
            lastReads = count;
            if (2 * window * TICK_NANOS < denseReadsPerMs * (now - sampleStart)) {
                ticking = false;
                return count;
            }
            sampleStart = now;
        }
    }
}
