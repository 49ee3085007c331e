package io.kube9.bench;

import io.kube9.bench.harness.Agents;
import io.kube9.bench.harness.JmhSuite;
import io.kube9.bench.harness.JournalBench;
import io.kube9.bench.harness.Report;
import io.kube9.bench.harness.Report.Table;
import io.kube9.bench.harness.ScrapeBench;
import io.kube9.bench.harness.ServiceBench;
import io.kube9.bench.harness.StartupBench;
import io.kube9.bench.harness.Stats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs every benchmark of issue 5 and prints one table per section, then the targets met or
 * missed. Run from the repository root after {@code mvn -B -Pbenchmarks -DskipTests package}
 * (or just {@code benchmarks/run.sh}, which does both):
 *
 * <pre>{@code java -jar benchmarks/target/kube9-benchmarks.jar [--quick] [--only jmh,journal,startup,service,scrape]}</pre>
 */
public final class BenchMain {
    private static final List<String> SECTIONS = List.of("jmh", "journal", "startup", "service", "scrape");

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean jmhOtel = true;
        String jmhCases = null;
        Set<String> only = new LinkedHashSet<>(SECTIONS);
        Path root = Path.of("").toAbsolutePath();
        Path out = null;
        Path before = null;
        long serviceWarmupSeconds = 10;
        int serviceRounds = 3;
        List<String> serviceSetups = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                switch (flag) {
                    case "--quick" -> quick = true;
                    case "--no-jmh-otel" -> jmhOtel = false;
                    case "--jmh-cases" -> jmhCases = value(args, ++i, flag);
                    case "--only" -> only = chosen(value(args, ++i, flag), SECTIONS, flag);
                    case "--root" -> root = Path.of(value(args, ++i, flag)).toAbsolutePath();
                    case "--out" -> out = Path.of(value(args, ++i, flag)).toAbsolutePath();
                    case "--before" -> before = Path.of(value(args, ++i, flag)).toAbsolutePath();
                    case "--service-warmup" -> serviceWarmupSeconds = count(value(args, ++i, flag), flag, 0);
                    case "--service-rounds" -> serviceRounds = (int) count(value(args, ++i, flag), flag, 1);
                    case "--service-setups" -> serviceSetups = List.copyOf(
                            chosen(value(args, ++i, flag), List.of("none", "kube9", "before", "otel"), flag));
                    default -> throw new IllegalArgumentException("unknown argument '" + flag + "'");
                }
            }
            if (serviceSetups != null && serviceSetups.contains("before") && before == null) {
                throw new IllegalArgumentException("--service-setups before needs --before OLD-AGENT-JAR");
            }
            if (before != null && !Files.isRegularFile(before)) {
                throw new IllegalArgumentException("--before " + before + ": no such file");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("kube9-benchmarks: " + e.getMessage());
            System.err.println("usage: java -jar kube9-benchmarks.jar [--quick] [--no-jmh-otel]"
                    + " [--only " + String.join(",", SECTIONS) + "] [--before OLD-AGENT-JAR] [--jmh-cases record:1,project:2]"
                    + " [--service-warmup SECONDS] [--service-rounds N] [--service-setups none,kube9,before,otel]"
                    + " [--root REPO] [--out FILE]");
            System.exit(2);
        }
        Path benchJar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> jars = new ArrayList<>(List.of(root.resolve("agent/target/kube9-agent.jar"),
                root.resolve("benchmarks/target/peers/opentelemetry-javaagent.jar"),
                root.resolve("benchmarks/target/peers/jmx_prometheus_javaagent.jar"),
                root.resolve("sample-app/target/kube9-sample-app.jar")));
        if (before != null) {
            jars.add(before);
        }
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                System.err.println("missing " + jar + ": run `mvn -B -Pbenchmarks -DskipTests package` first");
                System.exit(1);
            }
        }
        if (out == null) {
            out = root.resolve("benchmarks/target/benchmark-results.md");
        }
        // Jars are copied under plain names into a plain directory, so that a `pkill -f <project
        // name>` elsewhere on a shared machine does not end a run half-way.
        Path work = Files.createTempDirectory("jb");
        Agents agents = new Agents(copy(jars.get(0), work, "a.jar"), before == null ? null : copy(before, work, "b.jar"),
                copy(jars.get(1), work, "o.jar"), copy(jars.get(2), work, "x.jar"), copy(jars.get(3), work, "s.jar"),
                benchJar);
        Report report = new Report();
        Verdicts verdicts = new Verdicts();
        report.line("# kube9 benchmarks, " + Instant.now() + (quick ? " (--quick)" : ""));
        report.line("");
        report.line("Machine: " + Machine.describe());
        long started = System.nanoTime();
        try {
            if (only.contains("jmh")) {
                jmh(report, verdicts, agents, work, quick, jmhOtel, jmhCases);
            }
            if (only.contains("journal")) {
                journal(report, verdicts, agents, work, quick);
            }
            if (only.contains("startup")) {
                startup(report, verdicts, agents, work, quick);
            }
            if (only.contains("service")) {
                service(report, verdicts, agents, work, quick, serviceWarmupSeconds, serviceRounds, serviceSetups);
            }
            if (only.contains("scrape")) {
                scrape(report, verdicts, agents, work, quick);
            }
        } finally {
            Report.deleteTree(work);
        }
        report.section("Targets", null, verdicts.table);
        report.line("");
        report.line(String.format("Total benchmark time: %.1f min", (System.nanoTime() - started) / 60e9));
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.text());
        System.out.println("\nwritten to " + out);
    }

    /** The value after a flag, or a failure that names the flag. */
    private static String value(String[] args, int at, String flag) {
        if (at >= args.length || args[at].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[at];
    }

    /** A comma-separated choice among {@code known}, at least one, each known. */
    private static Set<String> chosen(String value, List<String> known, String flag) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : value.split(",")) {
            if (!known.contains(name.trim())) {
                throw new IllegalArgumentException(flag + " '" + name.trim() + "': one of " + String.join(",", known));
            }
            chosen.add(name.trim());
        }
        return chosen;
    }

    private static long count(String value, String flag, long least) {
        try {
            long count = Long.parseLong(value.trim());
            if (count >= least) {
                return count;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(flag + " '" + value + "': a whole number, at least " + least);
    }

    private static Path copy(Path jar, Path dir, String name) throws java.io.IOException {
        return Files.copy(jar, dir.resolve(name));
    }

    private static void jmh(Report report, Verdicts verdicts, Agents agents, Path work, boolean quick,
            boolean withOtel, String cases) throws Exception {
        JmhSuite suite = quick ? new JmhSuite(agents, work, 1, 3, 3, withOtel)
                : new JmhSuite(agents, work, 1, 4, 5, withOtel);
        if (cases != null) {
            suite.only(cases);
        }
        Map<JmhSuite.Case, Map<String, JmhSuite.Score>> scores = suite.run();
        boolean withBefore = agents.hasBefore();
        List<String> header = new ArrayList<>(List.of("case", "none ns", "none cpu ns", "kube9 ns", "kube9 cpu ns",
                "added cpu ns", "added ns", "kube9 B/op"));
        if (withBefore) {
            header.addAll(List.of("before ns", "before cpu ns", "added cpu ns", "before B/op", "added cpu after/before"));
        }
        header.addAll(List.of("no-journal cpu ns", "added cpu ns", "B/op"));
        if (withOtel) {
            header.addAll(List.of("otel ns", "otel cpu ns", "added cpu ns", "otel B/op"));
        }
        Table table = new Table(header.toArray(new String[0]));
        for (Map.Entry<JmhSuite.Case, Map<String, JmhSuite.Score>> entry : scores.entrySet()) {
            Map<String, JmhSuite.Score> byVariant = entry.getValue();
            JmhSuite.Score none = byVariant.get("none");
            JmhSuite.Score kube9 = byVariant.get("kube9");
            JmhSuite.Score light = byVariant.get("kube9-nojournal");
            double added = kube9.cpuNanos() - none.cpuNanos();
            double garbage = kube9.bytes() - none.bytes();
            List<Object> row = new ArrayList<>(List.of(entry.getKey().label(),
                    Report.f(none.nanos(), 1), Report.f(none.cpuNanos(), 1),
                    Report.f(kube9.nanos(), 1), Report.f(kube9.cpuNanos(), 1), Report.f(added, 1),
                    Report.f(kube9.nanos() - none.nanos(), 1), Report.f(garbage, 1)));
            if (withBefore) {
                JmhSuite.Score old = byVariant.get(Agents.BEFORE);
                double oldAdded = old.cpuNanos() - none.cpuNanos();
                row.addAll(List.of(Report.f(old.nanos(), 1), Report.f(old.cpuNanos(), 1), Report.f(oldAdded, 1),
                        Report.f(old.bytes() - none.bytes(), 1), Report.ratio(added, oldAdded)));
            }
            row.addAll(List.of(Report.f(light.cpuNanos(), 1), Report.f(light.cpuNanos() - none.cpuNanos(), 1),
                    Report.f(light.bytes() - none.bytes(), 1)));
            if (withOtel) {
                JmhSuite.Score otel = byVariant.get("otel");
                row.addAll(List.of(Report.f(otel.nanos(), 1), Report.f(otel.cpuNanos(), 1),
                        Report.f(otel.cpuNanos() - none.cpuNanos(), 1), Report.f(otel.bytes() - none.bytes(), 1)));
            }
            table.row(row.toArray());
            JmhSuite.Case c = entry.getKey();
            double lightAdded = light.cpuNanos() - none.cpuNanos();
            String measured = Report.f(added, 1) + " ns (journal off: " + Report.f(lightAdded, 1) + " ns)";
            if (c.method().equals("project")) {
                verdicts.add("projection call, " + c.threads() + " thread(s), added", "<= 120 ns", measured,
                        added <= 120);
            } else if (!c.method().equals("storeBatch")) {
                double limit = c.threads() == 1 ? 30 : 120;
                verdicts.add(c.method() + " event, " + c.threads() + " thread(s), added", "<= " + (int) limit + " ns",
                        measured, added <= limit);
            }
            verdicts.add(c.label() + ", garbage on the app thread", "0 B/op", Report.f(garbage, 2) + " B/op",
                    garbage < 0.5);
        }
        report.section("Per-call cost on the application's thread (JMH)",
                "'ns' = JMH AverageTime (wall clock), 'cpu ns' = the benchmark thread's own CPU time per"
                        + " operation (immune to being descheduled on the shared machine; cache misses and"
                        + " contention still count), medians over all measurement iterations of all forks. 'added' ="
                        + " minus the no-agent baseline. B/op = bytes the benchmark thread allocated per operation,"
                        + " minus the baseline. kube9 = default settings: journal on; at these call rates the queue"
                        + " is always full, so this is the drop-oldest path, and the journal writer takes one of the"
                        + " 2 cores. no-journal = journal.enabled=false (metrics only).",
                table);
    }

    private static void journal(Report report, Verdicts verdicts, Agents agents, Path work, boolean quick)
            throws Exception {
        JournalBench bench = new JournalBench(agents, work);
        long seconds = quick ? 15 : 60;
        Table table = new Table("agent", "run", "produced", "achieved events/s", "inserted", "dropped", "max queue",
                "process CPU s", "writer CPU us/row", "rows/s per free core");
        List<String> names = agents.hasBefore() ? List.of("kube9", Agents.BEFORE) : List.of("kube9");
        JournalBench.Paced paced = null;
        for (String name : names) {
            JournalBench.Paced run = bench.paced(name, 100_000, seconds, 2);
            paced = paced == null ? run : paced;
            table.row(name, "100,000 events/s for " + seconds + " s", run.produced(), Report.f(run.achievedRate(), 0),
                    Report.f(run.inserted(), 0), Report.f(run.dropped(), 0), Report.f(run.maxQueue(), 0),
                    Report.f(run.cpuSeconds(), 1), Report.f(run.writerMicrosPerRow(), 2),
                    Report.f(1e6 / run.writerMicrosPerRow(), 0));
        }
        for (String name : names) {
            double ceiling = bench.ceiling(name, quick ? 5 : 10);
            table.row(name, "writer ceiling (unpaced producers)", "", Report.f(ceiling, 0) + " rows/s", "", "", "", "",
                    "", "");
        }
        verdicts.add("sustained capture, " + seconds + " s at defaults", ">= 100,000 events/s, 0 drops",
                Report.f(paced.achievedRate(), 0) + "/s, " + Report.f(paced.dropped(), 0) + " dropped, "
                        + Report.f(paced.inserted(), 0) + " of " + paced.produced() + " inserted",
                paced.achievedRate() >= 99_000 && paced.dropped() == 0 && paced.inserted() == paced.produced());
        report.section("Sustained capture into the journal (default settings)",
                "CaptureLoadApp: 2 threads, half recorder and half store events, paced; afterwards the agent's"
                        + " counters. Writer CPU = the kube9-journal thread's own CPU time (/proc) per inserted row;"
                        + " 'rows/s per free core' = what it would insert with a core to itself. The ceiling is the"
                        + " writer's insert rate while producers run unpaced (and take the cores).",
                table);

        long costSeconds = quick ? 8 : 15;
        List<String> withNone = new ArrayList<>(List.of("none"));
        withNone.addAll(names);
        Table costs = new Table("producer threads", "agent", "producer CPU ns/event", "added ns/event", "dropped");
        for (int threads : new int[] {1, 2}) {
            double baseline = Double.NaN;
            for (String name : withNone) {
                JournalBench.Paced run = bench.paced(name, 100_000, costSeconds, threads);
                double cpu = run.producerCpuNanosPerEvent();
                if (name.equals("none")) {
                    baseline = cpu;
                }
                costs.row(threads, name, Report.f(cpu, 1), name.equals("none") ? "" : Report.f(cpu - baseline, 1),
                        Report.f(run.dropped(), 0));
                if (name.equals("kube9")) {
                    double limit = threads == 1 ? 30 : 120;
                    verdicts.add("recorder/store event at 100,000/s, " + threads + " thread(s), added",
                            "<= " + (int) limit + " ns", Report.f(cpu - baseline, 1) + " ns", cpu - baseline <= limit);
                }
            }
        }
        report.section("Per-event cost with the journal on at 100,000 events/s",
                "CaptureLoadApp, " + costSeconds + " s per run, events in bursts once a millisecond; the producer"
                        + " threads' own CPU time inside the bursts per event, without the agent and with it. Meant"
                        + " as the regime where the writer keeps up (JMH's loop always overfills the queue); where"
                        + " 'dropped' is not 0 the writer did not keep up and this is the drop path too. Each burst"
                        + " follows a 1 ms wait: the calls pay for what the wait let go cold (BurstProbe).",
                costs);
    }

    private static void startup(Report report, Verdicts verdicts, Agents agents, Path work, boolean quick)
            throws Exception {
        Map<String, StartupBench.Result> results = new StartupBench(agents, work, quick ? 3 : 7).run();
        double none = results.get("none").medianMillis();
        Table table = new Table("setup", "median ms", "added ms", "min ms", "max ms", "classes loaded", "what");
        for (Map.Entry<String, StartupBench.Result> entry : results.entrySet()) {
            StartupBench.Result r = entry.getValue();
            table.row(entry.getKey(), Report.f(r.medianMillis(), 0), Report.f(r.medianMillis() - none, 0),
                    Report.f(r.minMillis(), 0), Report.f(r.maxMillis(), 0), r.classes(),
                    StartupBench.SETUPS.get(entry.getKey()));
        }
        double added = results.get("kube9").medianMillis() - none;
        verdicts.add("JVM start-up added (sample service, JDK 17)", "<= 250 ms", Report.f(added, 0) + " ms",
                added <= 250);
        report.section("Start-up: process start to the service's 'listening' line",
                "Sample service, JDK " + Runtime.version().feature() + "; setups alternate, median of the runs.",
                table);
    }

    private static void service(Report report, Verdicts verdicts, Agents agents, Path work, boolean quick,
            long warmupSeconds, int rounds, List<String> setups) throws Exception {
        ServiceBench bench = quick ? new ServiceBench(agents, work, setups, 1, 4, 5_000, 10_000)
                : new ServiceBench(agents, work, setups, rounds, 4, warmupSeconds * 1000, 20_000);
        Map<String, ServiceBench.Result> results = bench.run();
        ServiceBench.Result none = results.get("none");
        Table table = new Table("setup", "calls/s", "vs none", "vs none by round: median (range)", "p50 ms",
                "p99 ms", "RSS MB", "RSS added MB", "CPU ms / 1000 calls", "window CPU ms / 1000 calls",
                "rounds calls/s");
        for (Map.Entry<String, ServiceBench.Result> entry : results.entrySet()) {
            ServiceBench.Result r = entry.getValue();
            List<Double> paired = ServiceBench.byRound(r.throughputs(), none.throughputs());
            table.row(entry.getKey(), Report.f(r.callsPerSecond(), 0), Report.ratio(r.callsPerSecond(),
                    none.callsPerSecond()), Report.f(Stats.median(paired), 3) + " (" + Report.f(Stats.min(paired), 2)
                            + "-" + Report.f(Stats.max(paired), 2) + ")",
                    Report.f(r.p50Millis(), 2), Report.f(r.p99Millis(), 2),
                    Report.f(r.rssMegabytes(), 0), Report.f(r.rssMegabytes() - none.rssMegabytes(), 0),
                    Report.f(r.cpuSecondsPerThousandCalls() * 1000, 0),
                    Report.f(r.windowCpuSecondsPerThousandCalls() * 1000, 0),
                    r.throughputs().stream().map(v -> Report.f(v, 0)).reduce((a, b) -> a + " " + b).orElse(""));
        }
        ServiceBench.Result kube9 = results.get("kube9");
        // Each round's setups run one after the other: the ratio within a round cancels what the
        // machine's other work does to a whole round, which moved single setups by up to 20%.
        double ratio = Stats.median(ServiceBench.byRound(kube9.throughputs(), none.throughputs()));
        verdicts.add("service throughput with the agent", ">= 97% of none",
                Report.f(ratio * 100, 1) + "% (median of " + kube9.throughputs().size() + " rounds' ratios)",
                ratio >= 0.97);
        double rss = kube9.rssMegabytes() - none.rssMegabytes();
        verdicts.add("RSS added (heap + native)", "<= 64 MB", Report.f(rss, 0) + " MB", rss <= 64);
        report.section("Service under load: sample service, closed-loop HTTP",
                "4 kept-alive connections, each running create/add item/pay/ship/ops event/read; calls timed by"
                        + " the client. Default JVM settings plus -Dsun.net.httpserver.nodelay=true in every setup (else"
                        + " each call waits ~40 ms for a delayed ACK and the load measures only that). RSS after the"
                        + " load. Medians over the rounds; 'by round' = each round's calls/s over the same round's"
                        + " none (the setups of a round run one after the other, in an order that rotates). " + (quick ? 5 : warmupSeconds) + " s of warm-up, then 20 s"
                        + " measured (10 s with --quick). 'CPU ms / 1000 calls' counts the whole run, warm-up"
                        + " included; 'window CPU' only the measured seconds.",
                table);
    }

    private static void scrape(Report report, Verdicts verdicts, Agents agents, Path work, boolean quick)
            throws Exception {
        ScrapeBench bench = new ScrapeBench(agents, work, quick ? 10 : 30, quick ? 10 : 20);
        Map<String, ScrapeBench.Result> results = bench.defaultSets();
        ScrapeBench.Result many = bench.manySeries(1250);
        Table table = new Table("endpoint", "samples", "bytes (gzip)", "1 s apart p50 ms", "1 s apart p99 ms",
                "Prometheus p50 ms", "Prometheus max ms", "new connection p50 ms", "20 ms apart p50 ms");
        results.put("kube9, 5,000 series", many);
        for (Map.Entry<String, ScrapeBench.Result> entry : results.entrySet()) {
            ScrapeBench.Result r = entry.getValue();
            table.row(entry.getKey(), r.series(), r.keepAlive().bytes(), Report.f(r.keepAlive().medianMillis(), 2),
                    Report.f(r.keepAlive().p99Millis(), 2), Report.f(r.prometheusMedianMillis(), 2),
                    Report.f(r.prometheusMaxMillis(), 2), Report.f(r.fresh().medianMillis(), 2),
                    Report.f(r.backToBack().medianMillis(), 2));
        }
        double defaultSet = results.get("kube9").keepAlive().medianMillis();
        verdicts.add("scrape, default metric set", "<= 2 ms", Report.f(defaultSet, 2) + " ms", defaultSet <= 2);
        double manySeries = many.keepAlive().medianMillis();
        verdicts.add("scrape, 5,000 series", "<= 15 ms", Report.f(manySeries, 2) + " ms", manySeries <= 15);
        report.section("Scrape time (Prometheus' Accept header, gzip)",
                "Sample service after 3 s of load (default sets), or SeriesApp with 1,250 event types x 4"
                        + " severities; 200 scrapes first (steady state). '1 s apart': one kept-alive connection, as"
                        + " Prometheus scrapes, timed by the harness; 'Prometheus': a real Prometheus' own"
                        + " scrape_duration_seconds at a 1 s interval; '20 ms apart': kept-alive back-to-back"
                        + " scrapes, which meet Nagle + delayed ACK (~40 ms) in every JDK-HttpServer-based exporter.",
                table);
    }

    /** The targets of issue 5 with what was measured. */
    private static final class Verdicts {
        final Table table = new Table("target", "goal", "measured", "verdict");

        void add(String target, String goal, String measured, boolean met) {
            table.row(target, goal, measured, met ? "met" : "MISSED");
        }
    }
}
