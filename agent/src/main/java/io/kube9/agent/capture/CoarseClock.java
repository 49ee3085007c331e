package io.kube9.agent.capture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Wall-clock milliseconds for the application's thread at the cost of a field read.
 * {@link System#currentTimeMillis()} costs ~30 ns on the virtual machines we measure on (issue 5,
 * BENCHMARKS.md), as much as all the rest of capturing an event; a ticker thread refreshes this
 * clock every millisecond instead, so a reading is at most ~1 ms old (journal times are stored in
 * milliseconds anyway).
 *
 * <p>The ticker costs ~1,000 short wake-ups a second only while events flow: after a second in
 * which nobody read the clock it sleeps, and the first reader after that reads the system clock
 * itself and wakes it up. An idle service thus sees one wake-up a second.
 *
 * <pre>{@code
 * CoarseClock clock = CoarseClock.start("kube9-clock");
 * long recordedAt = clock.millis();
 * }</pre>
 */
public final class CoarseClock {
    private static final VarHandle SLEEPING;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int TICKS_BEFORE_SLEEP = 1000;
    private static final long SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    static {
        try {
            SLEEPING = MethodHandles.lookup().findVarHandle(CoarseClock.class, "sleeping", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long millis = System.currentTimeMillis();
    /** Set by readers (only when it is false, so the cache line stays shared); cleared by the ticker. */
    private volatile boolean read;
    @SuppressWarnings("unused") // accessed through SLEEPING
    private volatile boolean sleeping;
    private volatile Thread ticker;

    private CoarseClock() {}

    /** A clock with its ticker running as daemon thread {@code threadName}. */
    public static CoarseClock start(String threadName) {
        CoarseClock clock = new CoarseClock();
        Thread thread = new Thread(clock::tick, threadName);
        thread.setDaemon(true);
        thread.setContextClassLoader(CoarseClock.class.getClassLoader());
        clock.ticker = thread;
        thread.start();
        return clock;
    }

    /** Milliseconds since the epoch, at most about a millisecond old. */
    public long millis() {
        if (!read) {
            read = true;
        }
        if (sleeping) {
            return wake();
        }
        return millis;
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

    private long wake() {
        long now = System.currentTimeMillis();
        millis = now;
        if (SLEEPING.compareAndSet(this, true, false)) {
            LockSupport.unpark(ticker);
        }
        return now;
    }

    private void tick() {
        int idleTicks = 0;
        while (true) {
            millis = System.currentTimeMillis();
            LockSupport.parkNanos(TICK_NANOS);
            if (++idleTicks < TICKS_BEFORE_SLEEP) {
                continue;
            }
            idleTicks = 0;
            if (read) {
                read = false;
                continue;
            }
            sleeping = true;
            // A reader that came between the check above and the flag set read, so we do not sleep;
            // one that comes later sees the flag, reads the system clock itself and wakes us up.
            while (sleeping && !read) {
                LockSupport.parkNanos(SLEEP_NANOS);
                millis = System.currentTimeMillis();
            }
            sleeping = false;
        }
    }
}
