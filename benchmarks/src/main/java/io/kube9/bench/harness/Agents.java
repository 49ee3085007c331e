package io.kube9.bench.harness;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agents compared, and how each is attached: none, kube9 (this project's jar), the
 * OpenTelemetry Java agent with method instrumentation and its Prometheus exporter, and the
 * Prometheus JMX exporter agent.
 */
public final class Agents {
    /** The sample service's sites, for OpenTelemetry's {@code otel.instrumentation.methods.include}. */
    public static final String SAMPLE_METHODS = "io.kube9.sample.ops.OperationalEventRecorder[recordEvent];"
            + "io.kube9.sample.store.SqliteEventStore[append];"
            + "io.kube9.sample.projection.OrderSummaryProjection[handle];"
            + "io.kube9.sample.projection.RevenueProjector[project]";
    /** The benchmark fixtures' sites, likewise. */
    public static final String FIXTURE_METHODS = "io.kube9.bench.fixture.BenchEventRecorder[recordEvent];"
            + "io.kube9.bench.fixture.BenchEventStore[append,appendEvents];"
            + "io.kube9.bench.fixture.BenchProjector[project]";

    public final Path kube9;
    /** Another build of the agent to compare with (the code before a change), or null. */
    public final Path kube9Before;
    public final Path otel;
    public final Path jmx;
    public final Path sample;
    public final Path benchJar;

    /** One way to start a JVM: its agent arguments and the port its metrics are served on (-1: none). */
    public record Setup(String name, List<String> jvmArgs, int metricsPort) {}

    public Agents(Path kube9, Path kube9Before, Path otel, Path jmx, Path sample, Path benchJar) {
        this.kube9 = kube9;
        this.kube9Before = kube9Before;
        this.otel = otel;
        this.jmx = jmx;
        this.sample = sample;
        this.benchJar = benchJar;
    }

    public static Setup none() {
        return new Setup("none", List.of(), -1);
    }

    /**
     * kube9 with its journal in {@code dir}; {@code extra} are more agent arguments ("" for none).
     * A name that starts with {@value #BEFORE} runs the {@link #kube9Before} jar.
     */
    public Setup kube9(String name, Path dir, String extra) throws IOException {
        int port = freePort();
        String args = "exporter.port=" + port + ",exporter.host=127.0.0.1,journal.path="
                + dir.resolve("journal.db") + (extra.isEmpty() ? "" : "," + extra);
        Path jar = name.startsWith(BEFORE) ? kube9Before : kube9;
        return new Setup(name, List.of("-javaagent:" + jar + "=" + args), port);
    }

    /** Names of setups that run the agent jar from before a change start with this. */
    public static final String BEFORE = "before";

    public boolean hasBefore() {
        return kube9Before != null;
    }

    public Setup otel(String methods) throws IOException {
        int port = freePort();
        List<String> args = new ArrayList<>();
        args.add("-javaagent:" + otel);
        args.add("-Dotel.service.name=kube9-bench");
        args.add("-Dotel.traces.exporter=none");
        args.add("-Dotel.logs.exporter=none");
        args.add("-Dotel.metrics.exporter=prometheus");
        args.add("-Dotel.exporter.prometheus.host=127.0.0.1");
        args.add("-Dotel.exporter.prometheus.port=" + port);
        args.add("-Dotel.instrumentation.methods.include=" + methods);
        return new Setup("otel", args, port);
    }

    /** The JMX exporter with a catch-all rule, its configuration written into {@code dir}. */
    public Setup jmx(Path dir) throws IOException {
        int port = freePort();
        Path config = Files.createDirectories(dir).resolve("jmx-exporter.yaml");
        Files.writeString(config, "rules:\n- pattern: \".*\"\n");
        return new Setup("jmx", List.of("-javaagent:" + jmx + "=127.0.0.1:" + port + ":" + config), port);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
