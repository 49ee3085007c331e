package io.kube9.bench.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not part of the table: one run of the service benchmark's closed loop with G1's log on, to see
 * what the agent does to the service's collections. Prints throughput, RSS after the load, the
 * young collections, their median and 90th-percentile pause, how many survivor regions each left,
 * and every time G1 grew the heap after start-up.
 *
 * <pre>{@code java -cp benchmarks/target/kube9-benchmarks.jar io.kube9.bench.harness.ServiceGcLog \
 *     agent/target/kube9-agent.jar|none [agent-args|-] [warm-up ms] [measured ms]}</pre>
 *
 * With {@code -Dgclog.keep=FILE} the log is kept there; {@code -Dgclog.tags=,gc+age=trace} logs more. Run from the repository's root (it starts {@code sample-app/target/kube9-sample-app.jar}); the
 * defaults are 40,000 and 20,000 ms, as {@code --service-warmup 40}.
 */
public final class ServiceGcLog {
    private static final Pattern PAUSE = Pattern.compile("Pause Young \\(Normal\\).* ([0-9.]+)ms$");
    private static final Pattern SURVIVORS = Pattern.compile("Survivor regions: \\d+->(\\d+)");
    /** A phase of a young pause: its time, or the average over G1's workers ({@code gc+phases=debug}). */
    private static final Pattern PHASE = Pattern.compile(
            "\\[gc,phases *\\] GC\\(\\d+\\) +([A-Z][A-Za-z ]+?)(?: \\(ms\\))?: +(?:Min: *[0-9.]+, Avg: *([0-9.]+)|([0-9.]+)ms)");
    private static final Pattern EXPANSION = Pattern.compile("^\\[([0-9.]+)s\\].*Expand the heap.* expansion amount: (\\d+)B");

    private ServiceGcLog() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ServiceGcLog AGENT-JAR|none [AGENT-ARGS|-] [WARM-UP-MS] [MEASURED-MS]");
            return;
        }
        Path jar = args[0].equals("none") ? null : Paths.get(args[0]).toAbsolutePath();
        String extra = args.length > 1 && !args[1].equals("-") ? args[1] : "";
        long warmup = args.length > 2 ? Long.parseLong(args[2]) : 40_000;
        long measured = args.length > 3 ? Long.parseLong(args[3]) : 20_000;
        Path sample = Paths.get("sample-app/target/kube9-sample-app.jar").toAbsolutePath();
        if (!Files.isRegularFile(sample) || (jar != null && !Files.isRegularFile(jar))) {
            System.err.println("not found: " + (jar != null && !Files.isRegularFile(jar) ? jar : sample)
                    + " (build first, and run from the repository's root)");
            return;
        }
        Path dir = Files.createTempDirectory("kube9-gclog");
        Agents agents = new Agents(jar, null, null, null, sample, null);
        Agents.Setup setup = jar == null ? Agents.none() : agents.kube9("kube9", dir, extra);
        Path log = dir.resolve("gc.log");
        List<String> jvm = List.of(ServiceBench.SERVICE_NODELAY, "-Xlog:gc*=info,gc+ergo+heap=debug,gc+phases=debug"
                + System.getProperty("gclog.tags", "") + ":file=" + log);
        try (Jvm service = SampleService.start(agents, setup, dir, jvm)) {
            int port = SampleService.awaitListening(service);
            List<Map<String, Double>> window = new ArrayList<>(); // the threads' CPU as the measured window opens and closes
            ServiceLoad.Result load = ServiceLoad.run(port, 4, warmup, measured, () -> {
                try {
                    window.add(service.threadCpuSecondsByName());
                    return service.cpuSeconds();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            double rss = service.rssBytes() / 1048576.0;
            List<Double> pauses = new ArrayList<>();
            Map<Integer, Integer> survivors = new TreeMap<>();
            List<String> expansions = new ArrayList<>();
            Map<String, List<Double>> phases = new java.util.LinkedHashMap<>();
            for (String line : Files.readAllLines(log)) {
                Matcher pause = PAUSE.matcher(line);
                if (pause.find()) {
                    pauses.add(Double.parseDouble(pause.group(1)));
                }
                Matcher survivor = SURVIVORS.matcher(line);
                if (survivor.find()) {
                    survivors.merge(Integer.parseInt(survivor.group(1)), 1, Integer::sum);
                }
                Matcher phase = PHASE.matcher(line);
                if (phase.find()) {
                    String ms = phase.group(2) != null ? phase.group(2) : phase.group(3);
                    phases.computeIfAbsent(phase.group(1), name -> new ArrayList<>()).add(Double.parseDouble(ms));
                }
                Matcher expansion = EXPANSION.matcher(line);
                if (expansion.find() && Double.parseDouble(expansion.group(1)) > 0.1) { // not the initial heap
                    expansions.add(expansion.group(1) + " s +" + Long.parseLong(expansion.group(2)) / 1048576 + " MB");
                }
            }
            pauses.sort(null);
            System.out.printf("%s%s: %.0f calls/s, RSS %.0f MB, %d young collections, pause median %.1f ms p90 %.1f ms,"
                    + " survivor regions after them (regions=collections) %s, heap grown %s%n",
                    jar == null ? "none" : jar.getFileName(), extra.isEmpty() ? "" : " " + extra, load.callsPerSecond(),
                    rss, pauses.size(), pauses.isEmpty() ? 0 : Stats.median(pauses),
                    pauses.isEmpty() ? 0 : pauses.get((int) (pauses.size() * 0.9)), survivors,
                    expansions.isEmpty() ? "never" : expansions);
            StringBuilder threads = new StringBuilder(String.format("  window: %.0f ms CPU per 1,000 calls; by thread:",
                    load.windowCpuSeconds() / load.calls() * 1e6));
            if (window.size() == 2) {
                window.get(1).forEach((name, seconds) -> {
                    double used = seconds - window.get(0).getOrDefault(name, 0.0);
                    if (used >= 0.05) {
                        threads.append(String.format(" %s %.2f s;", name, used));
                    }
                });
            }
            System.out.println(threads);
            StringBuilder medians = new StringBuilder("  phases, median ms:");
            phases.forEach((name, times) -> medians.append(String.format(" %s %.2f;", name, Stats.median(times))));
            System.out.println(medians);
        } finally {
            String keep = System.getProperty("gclog.keep"); // -Dgclog.keep=FILE: the whole log, to read further
            if (keep != null && Files.isRegularFile(log)) {
                Files.copy(log, Paths.get(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Report.deleteTree(dir);
        }
    }
}
