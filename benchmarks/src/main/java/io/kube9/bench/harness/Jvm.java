package io.kube9.bench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM under test, started in a directory of its own. Its stdout is read line by line (each
 * line time-stamped with {@link System#nanoTime()} as it arrives), its stderr goes to a file.
 */
public final class Jvm implements AutoCloseable {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final Process process;
    private final long startedNanos;
    private final Path stderr;
    private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();

    /** One line of stdout and when it was read. */
    public record Line(String text, long nanos) {}

    private Jvm(Process process, long startedNanos, Path stderr) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.stderr = stderr;
        Thread reader = new Thread(this::readStdout, "stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java jvmArgs... mainArgs...} in {@code dir}. */
    public static Jvm start(Path dir, List<String> jvmArgs, List<String> mainArgs) throws IOException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(jvmArgs);
        command.addAll(mainArgs);
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(err.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        long started = System.nanoTime();
        return new Jvm(builder.start(), started, err);
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(new Line(line, System.nanoTime()));
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /**
     * Waits for a stdout line matching {@code pattern} (anywhere in the line).
     *
     * @return the match, whose line's arrival time is {@link #lastMatchNanos}
     */
    public Matcher await(String pattern, long timeoutSeconds) throws InterruptedException, IOException {
        Pattern compiled = Pattern.compile(pattern);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            long left = deadline - System.nanoTime();
            Line line = lines.poll(Math.max(1, left), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IOException("no line matching '" + pattern + "' within " + timeoutSeconds + " s"
                        + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; stderr: "
                        + tail(stderr));
            }
            Matcher matcher = compiled.matcher(line.text());
            if (matcher.find()) {
                lastMatchNanos = line.nanos();
                return matcher;
            }
        }
    }

    private volatile long lastMatchNanos;

    /** Like {@link #await} but returns null when no such line came within {@code millis}. */
    public Matcher poll(String pattern, long millis) throws InterruptedException {
        Pattern compiled = Pattern.compile(pattern);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            long left = deadline - System.nanoTime();
            Line line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (line == null) {
                return null;
            }
            Matcher matcher = compiled.matcher(line.text());
            if (matcher.find()) {
                lastMatchNanos = line.nanos();
                return matcher;
            }
        }
    }

    /** Milliseconds from process start to the last line matched by {@link #await}. */
    public double millisToLastMatch() {
        return (lastMatchNanos - startedNanos) / 1e6;
    }

    public long pid() {
        return process.pid();
    }

    /** Resident set size now, in bytes (from /proc). */
    public long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    /** Total CPU time used by the process so far, in seconds (from /proc; user + system). */
    public double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    /** CPU seconds (user + system) of the process's threads whose name starts with {@code prefix}. */
    public double threadCpuSeconds(String prefix) throws IOException {
        double seconds = 0;
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (var threads = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) threads::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).trim().startsWith(prefix)) {
                        seconds += taskCpuSeconds(task);
                    }
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        return seconds;
    }

    /**
     * CPU seconds (user + system) of the process's threads that are alive now, by name with its
     * trailing digits removed ({@code GC Thread#0} and {@code GC Thread#1} are {@code GC Thread#}).
     */
    public java.util.Map<String, Double> threadCpuSecondsByName() throws IOException {
        java.util.Map<String, Double> seconds = new java.util.TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (var threads = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) threads::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+$", "");
                    seconds.merge(name, taskCpuSeconds(task), Double::sum);
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        return seconds;
    }

    /** User + system CPU seconds of one thread, from its {@code /proc/PID/task/TID/stat}. */
    private static double taskCpuSeconds(Path task) throws IOException {
        String stat = Files.readString(task.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // USER_HZ is 100 on Linux
    }

    public static String tail(Path file) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join(" | ", all.subList(Math.max(0, all.size() - 5), all.size()));
        } catch (IOException e) {
            return "(none)";
        }
    }

    public Path stderr() {
        return stderr;
    }

    /** SIGTERM, then SIGKILL after 15 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
