package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.kube9.it.apps.ConflictApp;
import io.kube9.it.apps.LoaderApp;
import io.kube9.it.apps.LogManagerApp;
import io.kube9.it.apps.TrickyApp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC section 6 and issue 3: safe to drop into any JVM. */
class IsolationIT {
    private static final Path WORK = Paths.get(System.getProperty("it.work.dir"), "isolation");
    private static final Path CONFLICT_LIBS = Paths.get(System.getProperty("it.conflict.libs"));

    @Test
    void aServiceWithItsOwnVersionsOfOurLibrariesRunsAsWithoutTheAgent() throws Exception {
        String classpath = Stream.concat(
                        Stream.of(JvmProcess.TEST_CLASSES.toString(),
                                JvmProcess.TEST_CLASSES.resolve("conflict-app").toString()),
                        jars(CONFLICT_LIBS).stream())
                .collect(Collectors.joining(java.io.File.pathSeparator));
        Path without = JvmProcess.freshDir(WORK.resolve("conflict-without"));
        String plain;
        try (JvmProcess app = JvmProcess.start(without, List.of("-cp", classpath, ConflictApp.class.getName()),
                List.of(without.resolve("ledger.db").toString()))) {
            assertThat(app.awaitExit(Duration.ofSeconds(60))).as(app.stderr()).isZero();
            plain = app.stdout();
        }
        assertThat(plain).contains("byte-buddy: byte-buddy-1.14.18.jar made io.kube9.it.apps.Generated",
                "sqlite: 3.46.1 from sqlite-jdbc-3.46.1.3.jar",
                "drivers: [org.sqlite.JDBC from sqlite-jdbc-3.46.1.3.jar]",
                "own histogram bounds: [1.0, 2.0, 3.0, Infinity]",
                "own registry: [conflict_app_latency_seconds, conflict_app_orders] from prometheus-metrics-core-1.6.1.jar");

        Path with = JvmProcess.freshDir(WORK.resolve("conflict-with"));
        int port = JvmProcess.freePort();
        try (JvmProcess app = JvmProcess.start(with, List.of(
                        "-javaagent:" + JvmProcess.AGENT_JAR + "=exporter.port=" + port + ",journal.path=" + with.resolve("j.db"),
                        "-Dio.prometheus.metrics.histogramClassicUpperBounds=4,5,6",
                        "-cp", classpath, ConflictApp.class.getName()),
                List.of(with.resolve("ledger.db").toString(), "--hold"))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.stdout().contains("DONE") || !app.isAlive());
            // The app's -D setting applies to its own client only; its output lines match except that one.
            assertThat(app.stdout().replace("[4.0, 5.0, 6.0, Infinity]", "[1.0, 2.0, 3.0, Infinity]")).isEqualTo(plain);
            Awaitility.await("queue drained").atMost(Duration.ofSeconds(30))
                    .until(() -> Scrape.of(port).value("kube9_events_queue_size") == 0);
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.series("events_stored_total")).containsOnly(
                    entry("{event_type=\"ledger.opened\"}", 200.0), entry("{event_type=\"ledger.credited\"}", 50.0));
            assertThat(scrape.series("projection_updates_total")).containsOnly(entry("{projection=\"ConflictProjection\"}", 250.0));
            assertThat(scrape.text).contains("event_processing_duration_seconds_bucket{projection=\"ConflictProjection\",le=\"1.0E-4\"}")
                    .doesNotContain("conflict_app_");
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(Journal.single(with.resolve("j.db"), "SELECT count(*) || ' ' || count(aggregate_id) || ' '"
                + " || sum(payload_bytes) FROM events")).startsWith("250 250 ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"url", "nested"})
    void servicesLoadedByTheirOwnClassLoadersAreInstrumented(String kind) throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("loader-" + kind));
        Path pluginJar = dir.resolve("plugin.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(pluginJar));
                Stream<Path> classes = Files.list(JvmProcess.TEST_CLASSES.resolve("io/kube9/it/plugin"))) {
            for (Path file : (Iterable<Path>) classes::iterator) {
                jar.putNextEntry(new JarEntry("io/kube9/it/plugin/" + file.getFileName()));
                jar.write(Files.readAllBytes(file));
                jar.closeEntry();
            }
        }
        Path launched = pluginJar;
        if (kind.equals("nested")) {
            launched = dir.resolve("fat.jar");
            try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(launched))) {
                jar.putNextEntry(new JarEntry("BOOT-INF/lib/plugin.jar"));
                jar.write(Files.readAllBytes(pluginJar));
                jar.closeEntry();
            }
        }
        int port = JvmProcess.freePort();
        try (JvmProcess app = JvmProcess.app(dir, "exporter.port=" + port + ",journal.path=" + dir.resolve("j.db"),
                LoaderApp.class, kind, launched.toString(), "--hold")) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.stdout().contains("DONE") || !app.isAlive());
            assertThat(app.stdout()).contains("plugin loaded by: " + (kind.equals("url") ? "URLClassLoader" : "NestedJarClassLoader"),
                    "plugin stored: 300 recorded: 40 projected: 300");
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.series("events_stored_total")).containsOnly(
                    entry("{event_type=\"item.listed\"}", 100.0), entry("{event_type=\"item.priced\"}", 200.0));
            assertThat(scrape.series("kube9_events_total")).containsOnly(
                    entry("{event_type=\"health\",severity=\"info\"}", 20.0),
                    entry("{event_type=\"operator\",severity=\"info\"}", 20.0));
            assertThat(scrape.series("projection_updates_total")).containsOnly(entry("{projection=\"PluginProjection\"}", 300.0));
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void aProgramRunFromItsSourceFileIsInstrumentedNotTakenForAJdkTool() throws Exception {
        // java Program.java runs the JDK's source launcher, a class of the jdk.compiler module
        Path dir = JvmProcess.freshDir(WORK.resolve("source-program"));
        Path program = JvmProcess.TEST_CLASSES.resolve("source-program/DeployScript.java");
        int port = JvmProcess.freePort();
        try (JvmProcess app = JvmProcess.start(dir, List.of(
                        "-javaagent:" + JvmProcess.AGENT_JAR + "=exporter.port=" + port + ",journal.path=" + dir.resolve("j.db"),
                        program.toString()), List.of())) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.stdout().contains("DONE") || !app.isAlive());
            assertThat(app.stdout()).as(app.stderr()).contains("DONE");
            Awaitility.await("the agent's endpoint").atMost(Duration.ofSeconds(30)).until(() -> isListening(port));
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.series("kube9_events_total")).containsOnly(
                    entry("{event_type=\"deploy.started\",severity=\"unknown\"}", 20.0),
                    entry("{event_type=\"deploy.failed\",severity=\"unknown\"}", 5.0));
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).as(app.stderr()).isZero();
        }
        assertThat(Journal.single(dir.resolve("j.db"), "SELECT count(*) || ' ' || count(DISTINCT aggregate_id)"
                + " || ' ' || min(source) FROM events")).isEqualTo("25 25 DeployEventRecorder#recordEvent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jps", "jcmd", "keytool"})
    void jdkToolsWithTheAgentInJavaToolOptionsStayUntouched(String tool) throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("tool-" + tool));
        int port = JvmProcess.freePort();
        Path javaBin = Paths.get(JvmProcess.JAVA).getParent();
        List<String> command = new ArrayList<>(List.of(javaBin.resolve(tool).toString()));
        command.add(tool.equals("keytool") ? "-help" : "-l");
        int exitCode = JvmProcess.runWithAgentInToolOptions(dir, port, command);
        String err = Files.readString(dir.resolve("err.txt"));
        assertThat(exitCode).as(err).isZero();
        assertThat(err).contains("Picked up JAVA_TOOL_OPTIONS").doesNotContain("[kube9-agent]");
        // keytool prints its help on stderr; every tool printed something besides the JVM's line
        assertThat(Files.readString(dir.resolve("out.txt")) + err.replaceAll("Picked up JAVA_TOOL_OPTIONS.*", ""))
                .isNotBlank();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsOnly("out.txt", "err.txt");
        }
        assertThat(isListening(port)).isFalse();
    }

    @Test
    void theKillSwitchMeansNoTransformationNoThreadNoPortNoFile() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("disabled"));
        int port = JvmProcess.freePort();
        try (JvmProcess service = JvmProcess.start(dir, List.of(
                        "-javaagent:" + JvmProcess.AGENT_JAR + "=enabled=false,exporter.port=" + port,
                        "-Xlog:class+load=info:file=" + dir.resolve("classes.txt"), "-jar", JvmProcess.SAMPLE_JAR.toString()),
                List.of("--port", "0", "--store", dir.resolve("orders.db").toString(), "--load", "300", "--hold"))) {
            service.awaitSummary(Duration.ofSeconds(60));
            assertThat(service.stderr()).contains("[kube9-agent] disabled by kube9.enabled=false (agent argument)");
            assertThat(isListening(port)).isFalse();
            Process jcmd = new ProcessBuilder(Paths.get(JvmProcess.JAVA).resolveSibling("jcmd").toString(),
                    String.valueOf(service.pid()), "Thread.print").redirectErrorStream(true).start();
            String threads = new String(jcmd.getInputStream().readAllBytes());
            assertThat(jcmd.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(threads).contains("\"main\"").doesNotContain("\"kube9-");
        }
        String classes = Files.readString(dir.resolve("classes.txt"));
        assertThat(classes).contains("io.kube9.sample").doesNotContain("net.bytebuddy").doesNotContain("io.prometheus");
        assertThat(dir.resolve("kube9-events.db")).doesNotExist();
    }

    @Test
    void catchAllPatternsNeverInstrumentTheAgentItself() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("catch-all"));
        String plainOut;
        try (JvmProcess plain = JvmProcess.app(JvmProcess.freshDir(WORK.resolve("catch-all-plain")), null, TrickyApp.class)) {
            assertThat(plain.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
            plainOut = plain.stdout();
        }
        int port = JvmProcess.freePort();
        String everything = "recordEvent;record;append;add;offer;execute;executeBatch;executeUpdate;write;handle;apply;"
                + "accept;run;call;get;put;inc;observe;set;scrape;close;commit";
        try (JvmProcess app = JvmProcess.app(dir, "exporter.port=" + port + ",journal.path=" + dir.resolve("j.db")
                + ",recorder.types=*,recorder.methods=" + everything + ",store.types=*,store.methods=" + everything
                + ",projection.types=*,projection.methods=" + everything, TrickyApp.class, "--hold")) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.stdout().contains("DONE") || !app.isAlive());
            assertThat(app.stdout()).isEqualTo(plainOut);
            Awaitility.await("queue drained").atMost(Duration.ofSeconds(30))
                    .until(() -> Scrape.of(port).value("kube9_events_queue_size") == 0);
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.value("kube9_advice_errors_total")).isZero();
            for (int i = 0; i < 3; i++) {
                Scrape.of(port); // scrapes run the agent's own code: none of it may be captured
            }
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
        }
        assertThat(Journal.countBy(dir.resolve("j.db"), "SELECT source, count(*) FROM events GROUP BY source").keySet())
                .isNotEmpty().allSatisfy(source -> assertThat(source).startsWith("io.kube9.it.apps.TrickyApp$"));
    }

    @Test
    void aNativeLibraryThatCannotLoadLeavesMetricsOnly() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("no-native"));
        int port = JvmProcess.freePort();
        // the agent unpacks SQLite's native library into org.sqlite.tmpdir: a directory that cannot
        // exist stands for a tmp mounted noexec or read-only.
        try (JvmProcess app = trickyAppDone(dir, port, "-Dorg.sqlite.tmpdir=/proc/kube9-no-such-dir")) {
            assertThat(app.stdout()).contains("thrown: java.lang.IllegalStateException recorder is down same=true");
            // the journal opens on the agent's start-up thread, maybe after the application is done
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> app.stderr().contains("journal disabled, metrics continue"));
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.value("kube9_journal_up")).isZero();
            assertThat(scrape.sum("kube9_events_total")).isEqualTo(6.0);
            // one line of ours, naming the directory; sqlite-jdbc's own SEVERE records and stack
            // traces stay off the service's stderr, and no empty journal file is left behind
            assertThat(app.stderr()).contains("SQLite's native library could not be loaded: the agent unpacks it"
                    + " into the temporary directory /proc/kube9-no-such-dir, which does not exist")
                    .doesNotContain("SEVERE", "\tat ", "Exception");
            assertThat(dir.resolve("j.db")).doesNotExist();
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
        }
    }

    @Test
    void aJvmThatDeniesNativeAccessIsToldWhichFlagLetsTheJournalIn() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("native-access-denied"));
        int port = JvmProcess.freePort();
        try (JvmProcess app = trickyAppDone(dir, port, "--illegal-native-access=deny")) {
            assumeFalse(app.stderr().contains("Unrecognized option"), "a JDK before 24 has no --illegal-native-access");
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> app.stderr().contains("journal disabled, metrics continue"));
            // The JVM throws IllegalCallerException from System.load: it was said as a bad journal path.
            assertThat(app.stderr()).contains("SQLite's native library could not be loaded: the JVM refuses native"
                    + " access to the class path (--illegal-native-access=deny); add --enable-native-access=ALL-UNNAMED")
                    .doesNotContain("kube9.journal.path", "\tat ");
            Scrape scrape = Scrape.of(port);
            assertThat(scrape.value("kube9_journal_up")).isZero();
            assertThat(scrape.sum("kube9_events_total")).isEqualTo(6.0);
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
        }
    }

    @Test
    void aProtobufScrapeUnderUnsafeDeniedIsAnsweredInTextWithNothingOnTheServicesStderr() throws Exception {
        Path dir = JvmProcess.freshDir(WORK.resolve("unsafe-denied"));
        int port = JvmProcess.freePort();
        try (JvmProcess app = trickyAppDone(dir, port, "--sun-misc-unsafe-memory-access=deny",
                "--enable-native-access=ALL-UNNAMED")) { // the second: the JDK's own warning for SQLite's library
            assumeFalse(app.stderr().contains("Unrecognized option"), "a JDK before 23 has no such option");
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> isListening(port));
            // client_java's protobuf, refused sun.misc.Unsafe, said so through java.util.logging
            HttpResponse<String> scrape = Scrape.get(port, "/metrics",
                    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,"
                            + "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.2");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("application/openmetrics-text");
            assertThat(scrape.body()).contains("kube9_events_total{");
            assertThat(app.stderr()).doesNotContain("Unsafe", "protobuf", "WARNING:");
            app.closeStdin();
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
        }
    }

    @Test
    void aKilledServiceLeavesNoCopyOfTheNativeLibraryBehind() throws Exception {
        // sqlite-jdbc's own loader left 1.1 MB in the temporary directory for each JVM that did
        // not exit normally: a service in a crash loop filled the disk with them.
        Path dir = JvmProcess.freshDir(WORK.resolve("native-copy"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        int port = JvmProcess.freePort();
        try (JvmProcess app = JvmProcess.start(dir, List.of(
                        "-javaagent:" + JvmProcess.AGENT_JAR + "=exporter.port=" + port + ",journal.path=" + dir.resolve("j.db"),
                        "-Djava.io.tmpdir=" + tmp, "-cp", JvmProcess.TEST_CLASSES.toString(), TrickyApp.class.getName()),
                List.of("--hold"))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.stdout().contains("DONE") || !app.isAlive());
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Scrape.of(port).value("kube9_journal_up") == 1.0);
            // loaded from a copy in the temporary directory, whose name is gone already
            List<String> mapped = Files.readAllLines(Paths.get("/proc", String.valueOf(app.pid()), "maps")).stream()
                    .filter(line -> line.contains("libsqlitejdbc")).collect(Collectors.toList());
            assertThat(mapped).isNotEmpty().allSatisfy(line -> assertThat(line)
                    .contains(tmp.resolve("kube9-sqlite-").toString()).endsWith("(deleted)"));
            assertThat(files(tmp)).isEmpty();
            app.kill();
        }
        assertThat(files(tmp)).isEmpty();
    }

    @Test
    void theJournalLeavesTheChoiceOfJavaUtilLoggingsManagerToTheService() throws Exception {
        // sqlite-jdbc logs through java.util.logging: its first logger, made as the journal
        // opened, made the JDK's manager before the service could name its own.
        Path dir = JvmProcess.freshDir(WORK.resolve("log-manager"));
        Path journal = dir.resolve("j.db");
        try (JvmProcess app = JvmProcess.app(dir, "exporter.port=0,start.defer=0,journal.path=" + journal,
                LogManagerApp.class, journal.toString())) {
            assertThat(app.awaitExit(Duration.ofSeconds(60))).as(app.stderr()).isZero();
            assertThat(app.stdout()).contains("journal written",
                    "manager " + LogManagerApp.OwnLogManager.class.getName());
        }
    }

    /**
     * {@link TrickyApp} with the agent on {@code port} and a journal in {@code dir}, and {@code
     * jvmOptions} before it, once it has done its calls (or died: a JVM that refused an option).
     */
    private static JvmProcess trickyAppDone(Path dir, int port, String... jvmOptions) throws IOException {
        List<String> jvmArgs = new ArrayList<>(List.of(jvmOptions));
        jvmArgs.addAll(List.of("-javaagent:" + JvmProcess.AGENT_JAR + "=exporter.port=" + port + ",journal.path="
                + dir.resolve("j.db"), "-cp", JvmProcess.TEST_CLASSES.toString(), TrickyApp.class.getName()));
        JvmProcess app = JvmProcess.start(dir, jvmArgs, List.of("--hold"));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.stdout().contains("DONE") || !app.isAlive());
        return app;
    }

    private static boolean isListening(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port); OutputStream ignored = socket.getOutputStream()) {
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static List<String> jars(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.toString().endsWith(".jar")).map(Path::toString).sorted()
                    .collect(Collectors.toList());
        }
    }
}
