package io.kube9.sample.load;

import java.util.concurrent.TimeUnit;

/**
 * Spaces out commands across all threads so that together they run at most at a given rate. Each
 * caller reserves the next free slot and sleeps until it comes, so a slow command does not make the
 * others burst to catch up beyond the schedule.
 */
final class RatePacer {

    private final long intervalNanos;
    private long nextSlotNanos;

    /** @param commandsPerSecond 0 for no pacing at all */
    RatePacer(double commandsPerSecond) {
        if (commandsPerSecond < 0) {
            throw new IllegalArgumentException("rate must not be negative, got " + commandsPerSecond);
        }
        this.intervalNanos = commandsPerSecond == 0 ? 0 : Math.max(1, (long) (1e9 / commandsPerSecond));
        this.nextSlotNanos = System.nanoTime();
    }

    void awaitSlot() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long slot;
        synchronized (this) {
            slot = Math.max(nextSlotNanos, System.nanoTime());
            nextSlotNanos = slot + intervalNanos;
        }
        long waitNanos = slot - System.nanoTime();
        if (waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }
}
