package io.kube9.bench.harness;

import io.kube9.bench.apps.CaptureLoadApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Sustained capture into the journal at the agent's default settings: {@link CaptureLoadApp}
 * records and stores events at a fixed rate on two threads; afterwards every event must be in the
 * journal (inserted) and none dropped. Also the journal writer's ceiling: the insert rate while
 * producers run unpaced (the queue is then always full and drops).
 */
public final class JournalBench {
    private final Agents agents;
    private final Path work;

    /** One paced run. */
    public record Paced(double rate, long seconds, long produced, double achievedRate, double inserted,
            double dropped, double maxQueue, double cpuSeconds, double producerCpuNanosPerEvent,
            double writerMicrosPerRow) {}

    public JournalBench(Agents agents, Path work) {
        this.agents = agents;
        this.work = work;
    }

    /**
     * @param name "kube9", {@link Agents#BEFORE} for the jar from before a change, or "none"
     * @param threads producer threads
     */
    public Paced paced(String name, double rate, long seconds, int threads) throws IOException, InterruptedException {
        Path dir = fresh("journal-paced");
        Agents.Setup setup = name.equals("none") ? Agents.none() : agents.kube9(name, dir, "");
        Jvm app = start(setup, dir, rate, seconds, threads);
        try {
            app.await("started", 60);
            if (setup.metricsPort() > 0) {
                Scrapes.awaitUp(setup.metricsPort(), 60);
            }
            double maxQueue = 0;
            Matcher produced;
            while ((produced = app.poll("produced (\\d+) in (\\d+) ms, cpu (\\d+) ns", 1000)) == null) {
                if (setup.metricsPort() > 0) {
                    Map<String, Double> samples = Scrapes.samples(setup.metricsPort());
                    maxQueue = Math.max(maxQueue, samples.getOrDefault("kube9_events_queue_size", 0.0));
                }
            }
            long count = Long.parseLong(produced.group(1));
            double elapsed = Long.parseLong(produced.group(2)) / 1000.0;
            double producerCpu = Long.parseLong(produced.group(3)) / (double) count;
            if (setup.metricsPort() < 0) {
                return new Paced(rate, seconds, count, count / elapsed, Double.NaN, Double.NaN, Double.NaN,
                        app.cpuSeconds(), producerCpu, Double.NaN);
            }
            double inserted = 0;
            double dropped = 0;
            for (int wait = 0; wait < 120; wait++) {
                Map<String, Double> samples = Scrapes.samples(setup.metricsPort());
                maxQueue = Math.max(maxQueue, samples.getOrDefault("kube9_events_queue_size", 0.0));
                inserted = samples.getOrDefault("kube9_database_operations_total{operation=\"insert\"}", 0.0);
                dropped = Scrapes.sum(samples, "kube9_events_dropped_total");
                if (inserted + dropped >= count) {
                    break;
                }
                Thread.sleep(500);
            }
            double cpu = app.cpuSeconds();
            double writerMicros = app.threadCpuSeconds("kube9-journal") * 1e6 / Math.max(1, inserted);
            System.err.printf("journal: %s %.0f/s for %d s: produced %d, inserted %.0f, dropped %.0f, max queue %.0f%n",
                    name, rate, seconds, count, inserted, dropped, maxQueue);
            return new Paced(rate, seconds, count, count / elapsed, inserted, dropped, maxQueue, cpu, producerCpu,
                    writerMicros);
        } finally {
            app.close();
            Report.deleteTree(dir);
        }
    }

    /** Rows per second the writer inserts while the queue never runs dry. */
    public double ceiling(String name, long seconds) throws IOException, InterruptedException {
        Path dir = fresh("journal-ceiling");
        Agents.Setup setup = agents.kube9(name, dir, "");
        Jvm app = start(setup, dir, 0, seconds + 5, 2);
        try {
            app.await("started", 60);
            Thread.sleep(3000);
            double before = inserted(setup);
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000);
            double after = inserted(setup);
            double rate = (after - before) / ((System.nanoTime() - start) / 1e9);
            System.err.printf("journal: %s writer ceiling %.0f rows/s%n", name, rate);
            return rate;
        } finally {
            app.close();
            Report.deleteTree(dir);
        }
    }

    private static double inserted(Agents.Setup setup) throws IOException {
        return Scrapes.samples(setup.metricsPort())
                .getOrDefault("kube9_database_operations_total{operation=\"insert\"}", 0.0);
    }

    private Path fresh(String name) throws IOException {
        Path dir = work.resolve(name);
        Report.deleteTree(dir);
        return Files.createDirectories(dir);
    }

    private Jvm start(Agents.Setup setup, Path dir, double rate, long seconds, int threads) throws IOException {
        List<String> jvm = new ArrayList<>(setup.jvmArgs());
        jvm.add("-cp");
        jvm.add(agents.benchJar.toString());
        jvm.add(CaptureLoadApp.class.getName());
        return Jvm.start(dir, jvm, List.of(Double.toString(rate), Long.toString(seconds), Integer.toString(threads)));
    }
}
