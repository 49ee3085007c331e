package io.kube9.agent.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A call of a site that comes while the agent starts: it waits for the sink, within bounds. */
class StartingSinkTest {
    private final ExecutorService application = Executors.newSingleThreadExecutor();
    private final RecordingSink recording = new RecordingSink();
    private final List<String> calls = recording.calls;
    private volatile EventSink bridgeSink;
    private final AtomicInteger wakes = new AtomicInteger();

    @AfterEach
    void stop() {
        application.shutdownNow();
    }

    @Test
    void aCallWaitsForTheSinkAndThenReachesIt() throws Exception {
        StartingSink starting = new StartingSink(60_000, () -> bridgeSink, wakes::incrementAndGet);
        bridgeSink = starting;

        Future<?> recorded = application.submit(() -> starting.recorded(1, "A#record", "e1", 0));
        Thread.sleep(200);
        assertThat(recorded).as("waits for the sink").isNotDone();
        assertThat(wakes).as("and wakes the agent's deferred start").hasValue(1);

        bridgeSink = recording;
        starting.ready();
        recorded.get(10, TimeUnit.SECONDS);
        starting.stored(2, "B#append", "e2", 0);
        starting.projected(3, "P", "e3", 0, null);

        assertThat(calls).containsExactly("recorded 1 A#record e1", "stored 2 B#append e2", "projected 3 e3");
        assertThat(wakes).as("not after the sink is there").hasValue(1);
    }

    @Test
    void aProjectionsTimeLeavesOutItsWaitForTheSink() throws Exception {
        StartingSink starting = new StartingSink(60_000, () -> bridgeSink, wakes::incrementAndGet);
        bridgeSink = starting;
        long[] given = new long[1];
        long ranFor = TimeUnit.MILLISECONDS.toNanos(5);

        Future<?> projected = application.submit(() -> {
            long start = System.nanoTime() - ranFor; // the projection ran for 5 ms, then reached the bridge
            starting.projected(3, "P", "e3", start, null);
            return System.nanoTime() - start;
        });
        Thread.sleep(300);
        bridgeSink = new EventSink() {
            @Override
            public void recorded(int target, String source, Object event, int thread) {}

            @Override
            public void stored(int target, String source, Object event, int thread) {}

            @Override
            public void projected(int target, Object projection, Object event, long startNanos, Throwable thrown) {
                given[0] = System.nanoTime() - startNanos;
            }
        };
        starting.ready();
        long wholeCall = (Long) projected.get(10, TimeUnit.SECONDS);

        assertThat(wholeCall).as("the call did wait").isGreaterThan(TimeUnit.MILLISECONDS.toNanos(300));
        // before: the whole call, wait included (>= 305 ms)
        assertThat(given[0]).isBetween(ranFor, ranFor + TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void anAbandonedStartLetsWaitingCallsGoOnUncounted() throws Exception {
        StartingSink starting = new StartingSink(60_000, () -> bridgeSink, wakes::incrementAndGet);
        bridgeSink = starting;
        Future<?> stored = application.submit(() -> starting.stored(1, "B#append", "e1", 0));
        Thread.sleep(100);

        bridgeSink = EventSink.NONE;
        starting.ready();

        stored.get(10, TimeUnit.SECONDS);
        assertThat(calls).isEmpty();
    }

    @Test
    void afterTheWaitRunsOutCallsGoOnAndLaterOnesDoNotWaitAgain() throws Exception {
        StartingSink starting = new StartingSink(300, () -> bridgeSink, wakes::incrementAndGet);
        bridgeSink = starting;

        application.submit(() -> starting.recorded(1, "A#record", "late", 0)).get(30, TimeUnit.SECONDS);
        long before = System.nanoTime();
        starting.recorded(1, "A#record", "later", 0);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);

        assertThat(calls).isEmpty();
        assertThat(waitedMillis).as("no second wait").isLessThan(300);
    }

    @Test
    void anInterruptDoesNotCutTheWaitShortAndIsKept() throws Exception {
        StartingSink starting = new StartingSink(60_000, () -> bridgeSink, wakes::incrementAndGet);
        bridgeSink = starting;
        Future<Boolean> interruptedAfter = application.submit(() -> {
            Thread.currentThread().interrupt();
            starting.recorded(1, "A#record", "e1", 0);
            return Thread.currentThread().isInterrupted();
        });
        Thread.sleep(200);
        assertThat(interruptedAfter).isNotDone();

        bridgeSink = recording;
        starting.ready();

        assertThat(interruptedAfter.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(calls).containsExactly("recorded 1 A#record e1");
    }

}
