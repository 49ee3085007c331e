package io.kube9.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample service under a closed-loop HTTP load, without an agent, with kube9 and with the
 * OpenTelemetry agent: throughput, latency of the service's own calls, RSS and CPU after the
 * load. Setups alternate round by round; figures are medians over the rounds.
 */
public final class ServiceBench {
    /**
     * The sample service's JDK HttpServer writes headers and body as two segments; with Nagle on,
     * every kept-alive call waits ~40 ms for the client's delayed ACK, and the load measures only
     * that. The service is run with TCP_NODELAY in every setup alike, so the load is CPU-bound.
     */
    static final String SERVICE_NODELAY = "-Dsun.net.httpserver.nodelay=true";

    private final List<String> setups;

    private final Agents agents;
    private final Path work;
    private final int rounds;
    private final int connections;
    private final long warmupMillis;
    private final long measureMillis;

    /** Medians over the rounds. */
    public record Result(double callsPerSecond, double p50Millis, double p99Millis, double rssMegabytes,
            double cpuSecondsPerThousandCalls, double dropped, double windowCpuSecondsPerThousandCalls,
            List<Double> throughputs) {}

    /**
     * @param setups which of none, kube9, before (with {@code --before}) and otel to run, in that
     *     order within the first round; null for all of them. none is always run: it is the baseline.
     */
    public ServiceBench(Agents agents, Path work, List<String> setups, int rounds, int connections,
            long warmupMillis, long measureMillis) {
        this.agents = agents;
        this.work = work;
        this.rounds = rounds;
        this.connections = connections;
        this.warmupMillis = warmupMillis;
        this.measureMillis = measureMillis;
        List<String> all = agents.hasBefore() ? List.of("none", "kube9", Agents.BEFORE, "otel")
                : List.of("none", "kube9", "otel");
        List<String> chosen = new ArrayList<>();
        for (String name : all) {
            if (name.equals("none") || setups == null || setups.contains(name)) {
                chosen.add(name);
            }
        }
        if (setups != null && !all.containsAll(setups)) {
            throw new IllegalArgumentException("--service-setups " + String.join(",", setups) + ": the setups are "
                    + String.join(",", all) + (agents.hasBefore() ? "" : " (before needs --before)"));
        }
        this.setups = chosen;
    }

    /** Round by round, {@code setup}'s throughput over the baseline's in the same round. */
    public static List<Double> byRound(List<Double> setup, List<Double> baseline) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(setup.size(), baseline.size()); i++) {
            ratios.add(setup.get(i) / baseline.get(i));
        }
        return ratios;
    }

    public Map<String, Result> run() throws IOException, InterruptedException {
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        setups.forEach(name -> samples.put(name, new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < setups.size(); i++) {
                String name = setups.get((i + round) % setups.size());
                samples.get(name).add(once(name));
            }
        }
        Map<String, Result> results = new LinkedHashMap<>();
        for (String name : setups) {
            List<double[]> rows = samples.get(name);
            List<Double> throughputs = column(rows, 0);
            results.put(name, new Result(Stats.median(throughputs), Stats.median(column(rows, 1)),
                    Stats.median(column(rows, 2)), Stats.median(column(rows, 3)), Stats.median(column(rows, 4)),
                    Stats.median(column(rows, 5)), Stats.median(column(rows, 6)), throughputs));
        }
        return results;
    }

    private static List<Double> column(List<double[]> rows, int index) {
        List<Double> values = new ArrayList<>();
        for (double[] row : rows) {
            values.add(row[index]);
        }
        return values;
    }

    private double[] once(String name) throws IOException, InterruptedException {
        Path dir = work.resolve("service-" + name);
        Report.deleteTree(dir);
        Files.createDirectories(dir);
        Agents.Setup setup = switch (name) {
            case "kube9", Agents.BEFORE -> agents.kube9(name, dir, "");
            case "otel" -> agents.otel(Agents.SAMPLE_METHODS);
            default -> Agents.none();
        };
        Jvm service = SampleService.start(agents, setup, dir, List.of(SERVICE_NODELAY));
        try {
            int port = SampleService.awaitListening(service);
            double cpuBefore = service.cpuSeconds();
            ServiceLoad.Result load = ServiceLoad.run(port, connections, warmupMillis, measureMillis, () -> {
                try {
                    return service.cpuSeconds();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            double cpu = service.cpuSeconds() - cpuBefore;
            double rss = service.rssBytes() / 1048576.0;
            double dropped = 0;
            if (name.equals("kube9") || name.equals(Agents.BEFORE)) {
                dropped = Scrapes.sum(Scrapes.samples(setup.metricsPort()), "kube9_events_dropped_total");
            }
            System.err.printf("service: %-6s %8.0f calls/s p50 %6.2f ms p99 %6.2f ms rss %5.0f MB errors %d%n",
                    name, load.callsPerSecond(), load.p50Millis(), load.p99Millis(), rss, load.errors());
            // CPU of the whole run (warm-up included) per thousand measured-rate calls
            double calls = load.callsPerSecond() * (warmupMillis + measureMillis) / 1000.0;
            return new double[] {load.callsPerSecond(), load.p50Millis(), load.p99Millis(), rss,
                    cpu / calls * 1000, dropped, load.windowCpuSeconds() / load.calls() * 1000};
        } finally {
            service.close();
            Report.deleteTree(dir);
        }
    }
}
