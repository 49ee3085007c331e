package io.kube9.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JVM start-up to the service's first line ("listening on port"), which it prints after its
 * store is open and its HTTP server started; the agents' premain runs before that. Setups
 * alternate run by run; each figure is the median over the runs. Also counts classes loaded
 * ({@code -Xlog:class+load}) in one more run of each agent.
 */
public final class StartupBench {
    private final Agents agents;
    private final Path work;
    private final int runs;

    /** Median milliseconds to "listening", and classes loaded by then. */
    public record Result(double medianMillis, double minMillis, double maxMillis, long classes) {}

    public StartupBench(Agents agents, Path work, int runs) {
        this.agents = agents;
        this.work = work;
        this.runs = runs;
    }

    /** Setup names in display order, with what each one is. */
    public static final Map<String, String> SETUPS = new LinkedHashMap<>();

    static {
        SETUPS.put("none", "no agent");
        SETUPS.put("kube9", "kube9, default settings");
        SETUPS.put(Agents.BEFORE, "kube9 as built before this issue's changes, default settings");
        SETUPS.put("kube9 enabled=false", "kube9 jar, switched off (trampoline + configuration only)");
        SETUPS.put("kube9 instrument only", "kube9 with journal.enabled=false, exporter.enabled=false");
        SETUPS.put("kube9 no journal", "kube9 with journal.enabled=false");
        SETUPS.put("otel", "OpenTelemetry Java agent 2.20.1, method spans + Prometheus exporter");
        SETUPS.put("jmx", "JMX exporter agent 1.0.1, catch-all rule");
    }

    private Agents.Setup setup(String name, Path dir) throws IOException {
        return switch (name) {
            case "none" -> Agents.none();
            case "kube9", Agents.BEFORE -> agents.kube9(name, dir, "");
            case "kube9 enabled=false" -> agents.kube9(name, dir, "enabled=false");
            case "kube9 instrument only" -> agents.kube9(name, dir, "journal.enabled=false,exporter.enabled=false");
            case "kube9 no journal" -> agents.kube9(name, dir, "journal.enabled=false");
            case "otel" -> agents.otel(Agents.SAMPLE_METHODS);
            case "jmx" -> agents.jmx(dir);
            default -> throw new IllegalArgumentException(name);
        };
    }

    public Map<String, Result> run() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>(SETUPS.keySet());
        if (!agents.hasBefore()) {
            names.remove(Agents.BEFORE);
        }
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        names.forEach(name -> millis.put(name, new ArrayList<>()));
        // One discarded round first: the first start of each jar pays for the page cache.
        for (int run = -1; run < runs; run++) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + Math.max(0, run)) % names.size());
                double ms = once(name, List.of()).millis;
                if (run >= 0) {
                    millis.get(name).add(ms);
                }
                System.err.printf("startup: %-24s run %d %7.0f ms%n", name, run, ms);
            }
        }
        Map<String, Result> results = new LinkedHashMap<>();
        for (String name : names) {
            Path log = work.resolve("classes-" + name.replace(' ', '_') + ".log");
            once(name, List.of("-Xlog:class+load:file=" + log));
            long classes;
            try (var lines = Files.lines(log)) {
                classes = lines.count();
            }
            Files.deleteIfExists(log);
            List<Double> values = millis.get(name);
            double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
            results.put(name, new Result(Stats.median(values), Stats.percentile(array, 0.0001),
                    Stats.percentile(array, 100), classes));
        }
        return results;
    }

    private record Once(double millis) {}

    private Once once(String name, List<String> extraJvmArgs) throws IOException, InterruptedException {
        Path dir = work.resolve("startup-" + name.replace(' ', '_'));
        Report.deleteTree(dir);
        Files.createDirectories(dir);
        Agents.Setup setup = setup(name, dir);
        Jvm service = SampleService.start(agents, setup, dir, extraJvmArgs);
        try {
            SampleService.awaitListening(service);
            return new Once(service.millisToLastMatch());
        } finally {
            service.close();
            Report.deleteTree(dir);
        }
    }
}
