package io.kube9.bench.jmh;

import io.kube9.bench.fixture.BenchEvent;
import io.kube9.bench.fixture.BenchEventRecorder;
import io.kube9.bench.fixture.BenchEventStore;
import io.kube9.bench.fixture.BenchProjector;
import io.kube9.bench.fixture.Events;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * One intercepted call per operation, at each kind of site. The same benchmark runs in a fork
 * without the agent (the baseline: a plain virtual call) and in a fork with
 * {@code -javaagent:kube9-agent.jar}; the difference is what the agent adds on the
 * application's thread. {@link io.kube9.bench.BenchMain} runs both and prints the table.
 *
 * <p>Each thread has its own recorder, store and projector, so the only state the threads
 * share is the agent's (counters, queue): with two threads, that is the contention measured.
 *
 * <p>Besides JMH's wall-clock score, each benchmark thread measures its own CPU time and its own
 * allocation per operation over each measurement iteration and appends them to the file named by
 * the system property {@value #THREAD_COSTS}: JMH's {@code -prof gc} counts every thread of the
 * JVM, the agent's journal writer included, and the wall clock counts time the thread spent
 * descheduled on a busy machine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class CaptureBenchmark {
    private static final int EVENTS = 64;
    private static final int BATCHES = 8;
    public static final int BATCH_SIZE = 10;

    private final BenchEventRecorder recorder = new BenchEventRecorder();
    private final BenchEventStore store = new BenchEventStore();
    private final BenchProjector projector = new BenchProjector();
    /** System property: where each benchmark thread appends "cpuNanos allocatedBytes operations". */
    public static final String THREAD_COSTS = "bench.threadCosts";
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private BenchEvent[] events;
    private List<List<BenchEvent>> batches;
    private long next;
    private long startNext;
    private long startCpu;
    private long startBytes;

    @Setup
    public void setUp() {
        events = Events.some(EVENTS);
        batches = Events.batches(BATCHES, BATCH_SIZE);
    }

    @Setup(org.openjdk.jmh.annotations.Level.Iteration)
    public void startIteration() {
        startNext = next;
        startCpu = THREADS.getCurrentThreadCpuTime();
        startBytes = THREADS.getCurrentThreadAllocatedBytes();
    }

    @TearDown(org.openjdk.jmh.annotations.Level.Iteration)
    public void endIteration(IterationParams params) throws IOException {
        long cpu = THREADS.getCurrentThreadCpuTime() - startCpu;
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - startBytes;
        long invocations = next - startNext;
        String file = System.getProperty(THREAD_COSTS);
        if (file == null || params.getType() != IterationType.MEASUREMENT || invocations == 0) {
            return;
        }
        String line = cpu + " " + bytes + " " + invocations + "\n";
        synchronized (CaptureBenchmark.class) {
            Files.write(Path.of(file), line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    /** A recorder site ({@code *EventRecorder#recordEvent}). */
    @Benchmark
    public BenchEventRecorder record() {
        recorder.recordEvent(events[(int) (next++ & (EVENTS - 1))]);
        return recorder;
    }

    /** A store site with one event ({@code *EventStore#append}). */
    @Benchmark
    public BenchEventStore store() {
        store.append(events[(int) (next++ & (EVENTS - 1))]);
        return store;
    }

    /** A store site with a batch of {@value #BATCH_SIZE} events; the score is per event. */
    @Benchmark
    @OperationsPerInvocation(BATCH_SIZE)
    public BenchEventStore storeBatch() {
        store.appendEvents(batches.get((int) (next++ & (BATCHES - 1))));
        return store;
    }

    /** A projection site ({@code *Projector#project}): timed, histogram, lag. */
    @Benchmark
    public BenchProjector project() {
        projector.project(events[(int) (next++ & (EVENTS - 1))]);
        return projector;
    }
}
