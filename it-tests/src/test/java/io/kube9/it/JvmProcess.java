package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A second JVM under test: the sample service (or a small test application) with or without the
 * real agent jar, its output captured in files of its own working directory.
 */
final class JvmProcess implements AutoCloseable {
    static final Path AGENT_JAR = Paths.get(System.getProperty("it.agent.jar")).toAbsolutePath();
    static final Path SAMPLE_JAR = Paths.get(System.getProperty("it.sample.jar")).toAbsolutePath();
    static final String JAVA = System.getProperty("it.java", Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    static final Path TEST_CLASSES = Paths.get(System.getProperty("user.dir"), "target", "test-classes").toAbsolutePath();

    private final Process process;
    private final Path dir;
    private final Path out;
    private final Path err;

    private JvmProcess(Process process, Path dir, Path out, Path err) {
        this.process = process;
        this.dir = dir;
        this.out = out;
        this.err = err;
    }

    /** An empty directory at {@code dir}: whatever an earlier run left there is removed. */
    static Path freshDir(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    /** Starts {@code java [jvmArgs] <mainArgs>} in {@code dir}. */
    static JvmProcess start(Path dir, List<String> jvmArgs, List<String> mainArgs) throws IOException {
        return start(dir, jvmArgs, mainArgs, Map.of());
    }

    /** As above, with {@code environment} added to this JVM's environment. */
    static JvmProcess start(Path dir, List<String> jvmArgs, List<String> mainArgs, Map<String, String> environment)
            throws IOException {
        return startUnder(List.of(), dir, jvmArgs, mainArgs, environment);
    }

    /** As above, {@code java} run by {@code launcher} ({@code prlimit --fsize=...}, say). */
    static JvmProcess startUnder(List<String> launcher, Path dir, List<String> jvmArgs, List<String> mainArgs,
            Map<String, String> environment) throws IOException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(launcher);
        command.add(JAVA);
        command.addAll(jvmArgs);
        command.addAll(mainArgs);
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(environment);
        return new JvmProcess(builder.start(), dir, out, err);
    }

    /** The sample service with the agent ({@code agentArgs} null = without the agent). */
    static JvmProcess sample(Path dir, String agentArgs, String... sampleArgs) throws IOException {
        return sample(dir, agentArgs, Map.of(), sampleArgs);
    }

    /** As above, with {@code environment} added to this JVM's environment. */
    static JvmProcess sample(Path dir, String agentArgs, Map<String, String> environment, String... sampleArgs)
            throws IOException {
        List<String> jvm = new ArrayList<>();
        if (agentArgs != null) {
            jvm.add("-javaagent:" + AGENT_JAR + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
        }
        jvm.add("-Xmx256m");
        jvm.add("-jar");
        jvm.add(SAMPLE_JAR.toString());
        List<String> args = new ArrayList<>(List.of("--port", "0", "--store", dir.resolve("orders.db").toString()));
        args.addAll(List.of(sampleArgs));
        return start(dir, jvm, args, environment);
    }

    /** One of the small applications in {@code io.kube9.it.apps}, run from the test classes. */
    static JvmProcess app(Path dir, String agentArgs, Class<?> main, String... args) throws IOException {
        List<String> jvm = new ArrayList<>();
        if (agentArgs != null) {
            jvm.add("-javaagent:" + AGENT_JAR + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
        }
        jvm.add("-cp");
        jvm.add(TEST_CLASSES.toString());
        jvm.add(main.getName());
        return start(dir, jvm, List.of(args));
    }

    /**
     * Runs {@code command} in {@code dir} with the agent in {@code JAVA_TOOL_OPTIONS} (metrics on
     * {@code port}), as a user's shell would start any JDK program; waits up to 60 s for it.
     * Its output is in {@code out.txt} and {@code err.txt} in {@code dir}.
     *
     * @return its exit code
     */
    static int runWithAgentInToolOptions(Path dir, int port, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        builder.environment().put("JAVA_TOOL_OPTIONS", "-javaagent:" + AGENT_JAR + "=exporter.port=" + port);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ended", command).isTrue();
        return process.exitValue();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    Path dir() {
        return dir;
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    /** Waits for the sample's summary block and returns it, parsed. */
    SampleCounts awaitSummary(Duration timeout) {
        Awaitility.await("the sample's summary in " + out).atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> stdout().contains("=== end ===") || !process.isAlive());
        assertThat(stdout()).as("sample stdout; stderr:\n%s", tail(stderr())).contains("=== end ===");
        return SampleCounts.parse(stdout());
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not exit within " + timeout + "; stderr:\n" + tail(stderr()));
        }
        return process.exitValue();
    }

    /** SIGTERM, as an orchestrator stops a service: shutdown hooks run. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    /** SIGKILL: no shutdown hook runs, as when the kernel's OOM killer or a node failure strikes. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Closes the process's standard input (the test applications wait on it to finish). */
    void closeStdin() throws IOException {
        OutputStream in = process.getOutputStream();
        in.close();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String tail(String text) {
        return text.length() <= 4000 ? text : "…" + text.substring(text.length() - 4000);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
