package io.kube9.bench.harness;

import io.kube9.bench.jmh.CaptureBenchmark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Per-call cost on the application's thread: each case of {@link CaptureBenchmark} in forks
 * without an agent and with each agent variant, case by case so that the variants of a case run
 * close together in time (the machine is shared and noisy). Wall-clock scores are the median
 * over all measurement iterations of all forks; CPU time and allocation per operation are each
 * benchmark thread's own (see {@link CaptureBenchmark}), median over threads and iterations.
 */
public final class JmhSuite {
    private final Agents agents;
    private final Path work;
    private final int forks;
    private final int warmups;
    private final int iterations;
    private final boolean withOtel;
    private List<Case> cases = CASES;

    /** One benchmark method at one thread count. */
    public record Case(String method, int threads, String label) {}

    /**
     * Median wall-clock ns per op (per event for batches), the benchmark threads' own CPU ns per op,
     * and bytes they allocated per op.
     */
    public record Score(double nanos, double nanosLow, double nanosHigh, double cpuNanos, double bytes) {}

    public static final List<Case> CASES = List.of(
            new Case("record", 1, "recorder event, 1 thread"),
            new Case("record", 2, "recorder event, 2 threads"),
            new Case("store", 1, "store event, 1 thread"),
            new Case("store", 2, "store event, 2 threads"),
            new Case("storeBatch", 1, "store batch of " + CaptureBenchmark.BATCH_SIZE + ", per event, 1 thread"),
            new Case("project", 1, "projection call, 1 thread"),
            new Case("project", 2, "projection call, 2 threads"));

    public JmhSuite(Agents agents, Path work, int forks, int warmups, int iterations, boolean withOtel) {
        this.agents = agents;
        this.work = work;
        this.forks = forks;
        this.warmups = warmups;
        this.iterations = iterations;
        this.withOtel = withOtel;
    }

    /** Only the cases named "method:threads" (e.g. "record:1,project:2"). */
    public JmhSuite only(String names) {
        List<Case> chosen = new ArrayList<>();
        for (String name : names.split(",")) {
            for (Case c : CASES) {
                if ((c.method() + ":" + c.threads()).equals(name.trim())) {
                    chosen.add(c);
                }
            }
        }
        cases = chosen;
        return this;
    }

    public List<String> variants() {
        List<String> names = new ArrayList<>(List.of("none", "kube9"));
        if (agents.hasBefore()) {
            names.add(Agents.BEFORE);
        }
        names.add("kube9-nojournal");
        if (withOtel) {
            names.add("otel");
        }
        return names;
    }

    /** Scores by case, then by variant name. */
    public Map<Case, Map<String, Score>> run() throws IOException, RunnerException {
        Map<Case, Map<String, Score>> scores = new LinkedHashMap<>();
        for (Case benchmarkCase : cases) {
            Map<String, Score> byVariant = new LinkedHashMap<>();
            for (String variant : variants()) {
                Path dir = Files.createDirectories(work.resolve("jmh-" + variant));
                List<String> jvmArgs = new ArrayList<>(List.of("-Xms1g", "-Xmx1g"));
                switch (variant) {
                    case "kube9", Agents.BEFORE -> jvmArgs.addAll(agents.kube9(variant, dir, "").jvmArgs());
                    case "kube9-nojournal" -> jvmArgs.addAll(
                            agents.kube9("kube9", dir, "journal.enabled=false").jvmArgs());
                    case "otel" -> jvmArgs.addAll(agents.otel(Agents.FIXTURE_METHODS).jvmArgs());
                    default -> { }
                }
                System.err.printf("jmh: %-40s %-16s ...%n", benchmarkCase.label(), variant);
                Path costs = dir.resolve("thread-costs.txt");
                jvmArgs.add("-D" + CaptureBenchmark.THREAD_COSTS + "=" + costs);
                Score score = runOne(benchmarkCase, jvmArgs, costs);
                System.err.printf("jmh: %-40s %-16s %8.1f ns/op %8.1f cpu ns/op %8.1f B/op%n",
                        benchmarkCase.label(), variant, score.nanos(), score.cpuNanos(), score.bytes());
                byVariant.put(variant, score);
                Report.deleteTree(dir);
            }
            scores.put(benchmarkCase, byVariant);
        }
        return scores;
    }

    private Score runOne(Case benchmarkCase, List<String> jvmArgs, Path costs) throws RunnerException, IOException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(CaptureBenchmark.class.getName() + "\\." + benchmarkCase.method() + "$")
                .forks(forks)
                .warmupIterations(warmups)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(1))
                .threads(benchmarkCase.threads())
                .jvmArgsAppend(jvmArgs.toArray(new String[0]))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
        Collection<RunResult> results = new Runner(options.build()).run();
        List<Double> nanos = new ArrayList<>();
        for (RunResult result : results) {
            for (BenchmarkResult fork : result.getBenchmarkResults()) {
                for (IterationResult iteration : fork.getIterationResults()) {
                    nanos.add(iteration.getPrimaryResult().getScore());
                }
            }
        }
        int perInvocation = benchmarkCase.method().equals("storeBatch") ? CaptureBenchmark.BATCH_SIZE : 1;
        List<Double> cpu = new ArrayList<>();
        List<Double> bytes = new ArrayList<>();
        for (String line : Files.exists(costs) ? Files.readAllLines(costs) : List.<String>of()) {
            String[] fields = line.trim().split(" ");
            double operations = Double.parseDouble(fields[2]) * perInvocation;
            cpu.add(Double.parseDouble(fields[0]) / operations);
            bytes.add(Double.parseDouble(fields[1]) / operations);
        }
        double[] values = nanos.stream().mapToDouble(Double::doubleValue).toArray();
        return new Score(Stats.median(nanos), Stats.percentile(values, 25), Stats.percentile(values, 75),
                cpu.isEmpty() ? Double.NaN : Stats.median(cpu), bytes.isEmpty() ? Double.NaN : Stats.median(bytes));
    }
}
