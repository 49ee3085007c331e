package io.kube9.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CoarseClockTest {
    private static final long SAMPLE = TimeUnit.MILLISECONDS.toNanos(20);

    @Test
    void sparseReadsGetTheSystemClockItself() throws InterruptedException {
        CoarseClock clock = CoarseClock.start("kube9-clock-test", CoarseClock.DENSE_READS_PER_MS, SAMPLE);
        for (int i = 0; i < 100; i++) {
            long before = System.currentTimeMillis();
            long read = clock.millis();
            long after = System.currentTimeMillis();
            assertThat(read).isBetween(before, after);
            Thread.sleep(1);
        }
        assertThat(clock.ticking()).as("a few hundred reads a second do not start the ticker").isFalse();
    }

    @Test
    void denseReadsStartTheTickerAndItStopsWhenTheyEnd() throws InterruptedException {
        CoarseClock clock = CoarseClock.start("kube9-clock-test", CoarseClock.DENSE_READS_PER_MS, SAMPLE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long sink = 0;
        while (!clock.ticking() && System.nanoTime() < deadline) {
            sink += clock.millis();
        }
        assertThat(clock.ticking()).as("ticking after reading in a loop").isTrue();

        // While ticking, readings come from the ticker's field: they trail the system clock by
        // about a tick (more when this machine deschedules the ticker), never lead it, and move on.
        long first = clock.millis();
        long last = first;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (System.nanoTime() < until) {
            long read = clock.millis();
            long system = System.currentTimeMillis();
            assertThat(read).isLessThanOrEqualTo(system).isGreaterThan(system - 1_000);
            assertThat(read).isGreaterThanOrEqualTo(last);
            last = read;
        }
        assertThat(last).as("the ticker refreshes the reading").isGreaterThan(first);

        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (clock.ticking() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(clock.ticking()).as("the ticker stops once reads stop").isFalse();
        long before = System.currentTimeMillis();
        assertThat(clock.millis()).isBetween(before, System.currentTimeMillis());
        assertThat(sink).isPositive();
    }

    @Test
    void notBeforeNeverReturnsAReadingEarlierThanTheGivenTime() {
        CoarseClock clock = CoarseClock.start("kube9-clock-test", 1, SAMPLE);
        for (int i = 0; i < 1_000_000; i++) {
            long occurredAt = System.currentTimeMillis();
            assertThat(clock.millisNotBefore(occurredAt) >= occurredAt).isTrue();
        }
    }
}
