package io.kube9.bench.harness;

import io.kube9.bench.apps.SeriesApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scrape time as Prometheus sees it (its default Accept header, gzip), over a kept-alive
 * connection and over a new connection per scrape: each agent's default metric set on the sample
 * service after a short load, and kube9 holding 5,000 {@code kube9_events_total} series.
 */
public final class ScrapeBench {
    public static final List<String> SETUPS = List.of("kube9", "otel", "jmx");

    private final Agents agents;
    private final Path work;
    private final int scrapes;

    private final int prometheusSeconds;

    /**
     * Timings of one endpoint: kept-alive scrapes 1 s apart (as Prometheus scrapes), kept-alive
     * scrapes 20 ms apart (which meet TCP delayed ACKs), new connections, and a real Prometheus'
     * own median and max {@code scrape_duration_seconds} (NaN when it is not installed).
     */
    public record Result(Scrapes.Timing keepAlive, Scrapes.Timing backToBack, Scrapes.Timing fresh,
            double prometheusMedianMillis, double prometheusMaxMillis, int series) {}

    public ScrapeBench(Agents agents, Path work, int scrapes, int prometheusSeconds) {
        this.agents = agents;
        this.work = work;
        this.scrapes = scrapes;
        this.prometheusSeconds = prometheusSeconds;
    }

    public Map<String, Result> defaultSets() throws IOException, InterruptedException {
        Map<String, Result> results = new LinkedHashMap<>();
        for (String name : SETUPS) {
            Path dir = fresh("scrape-" + name);
            Agents.Setup setup = switch (name) {
                case "kube9" -> agents.kube9(name, dir, "");
                case "otel" -> agents.otel(Agents.SAMPLE_METHODS);
                default -> agents.jmx(dir);
            };
            Jvm service = SampleService.start(agents, setup, dir, List.of());
            try {
                int port = SampleService.awaitListening(service);
                ServiceLoad.run(port, 1, 0, 3000);
                Thread.sleep(500);
                results.put(name, measure(name, setup.metricsPort()));
            } finally {
                service.close();
                Report.deleteTree(dir);
            }
        }
        return results;
    }

    /** kube9 with {@code types * 4} series of {@code kube9_events_total}. */
    public Result manySeries(int types) throws IOException, InterruptedException {
        Path dir = fresh("scrape-series");
        Agents.Setup setup = agents.kube9("kube9", dir, "metrics.label-limit=" + Math.max(200, types));
        List<String> jvm = new ArrayList<>(setup.jvmArgs());
        jvm.add("-cp");
        jvm.add(agents.benchJar.toString());
        jvm.add(SeriesApp.class.getName());
        Jvm app = Jvm.start(dir, jvm, List.of(Integer.toString(types)));
        try {
            app.await("ready", 120);
            return measure("kube9 " + types * 4 + " series", setup.metricsPort());
        } finally {
            app.close();
            Report.deleteTree(dir);
        }
    }

    private Result measure(String name, int port) throws IOException, InterruptedException {
        Scrapes.awaitUp(port, 60);
        Scrapes.time(port, 200, false, 0); // steady state: the scrape code compiled
        Scrapes.Timing keepAlive = Scrapes.time(port, scrapes, true, 1000);
        Scrapes.Timing backToBack = Scrapes.time(port, 50, true, 20);
        Scrapes.Timing fresh = Scrapes.time(port, 50, false, 20);
        double[] prometheus = {Double.NaN, Double.NaN};
        if (RealPrometheus.available()) {
            prometheus = RealPrometheus.scrapeMillis(port, work.resolve("prometheus"), prometheusSeconds);
        }
        int series = Scrapes.samples(port).size();
        System.err.printf("scrape: %-22s 1 s apart p50 %6.2f ms p99 %6.2f ms, 20 ms apart p50 %6.2f ms,"
                + " new connection p50 %6.2f ms, prometheus p50 %6.2f ms, %d bytes, %d samples%n", name,
                keepAlive.medianMillis(), keepAlive.p99Millis(), backToBack.medianMillis(), fresh.medianMillis(),
                prometheus[0], keepAlive.bytes(), series);
        return new Result(keepAlive, backToBack, fresh, prometheus[0], prometheus[1], series);
    }

    private Path fresh(String name) throws IOException {
        Path dir = work.resolve(name);
        Report.deleteTree(dir);
        return Files.createDirectories(dir);
    }
}
