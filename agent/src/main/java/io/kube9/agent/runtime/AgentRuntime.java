package io.kube9.agent.runtime;

import io.kube9.agent.bridge.Kube9Bridge;
import io.kube9.agent.capture.CaptureSink;
import io.kube9.agent.capture.PackageOpener;
import io.kube9.agent.config.AgentConfig;
import io.kube9.agent.config.ConfigException;
import io.kube9.agent.config.ConfigLoader;
import io.kube9.agent.config.Key;
import io.kube9.agent.config.Keys;
import io.kube9.agent.instrument.Instrumenter;
import io.kube9.agent.instrument.Targets;
import io.kube9.agent.journal.JournalWriter;
import io.kube9.agent.journal.Sqlite;
import io.kube9.agent.journal.SqliteNativeLibrary;
import io.kube9.agent.metrics.AgentMetrics;
import io.kube9.agent.metrics.ExporterSecurity;
import io.kube9.agent.metrics.MetricsExporter;
import io.kube9.agent.queue.EventQueue;
import io.kube9.agent.queue.SlotFootprint;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import java.lang.instrument.Instrumentation;
import java.io.File;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Wires the agent together. Only what must be in place before the service's {@code main} runs
 * synchronously in {@code premain}: the configuration and the class file transformer, which
 * matches classes by name (issue 5: everything else used to add over a second to the service's
 * start-up). The rest starts on two daemon threads: one loads the weaver at once; the other, a
 * moment later ({@link #awaitDeferredStart}), starts in the order data flows the metrics, the
 * queue and the sink behind the bridge, then the journal and the exporter. A site class that the
 * service loads before the weaver is ready waits for it, and a call of a site that comes before
 * the sink exists wakes the deferred start and waits in the bridge for the sink, so no call is
 * missed. One orderly stop (at JVM exit: let the start finish, drain the queue into the journal,
 * then close). On runtime attach everything starts before {@code agentmain} returns.
 *
 * <p>Every part that fails to start is reported once and left out; the others keep working.
 */
public final class AgentRuntime {
    /**
     * How long a call of a site that comes while the agent starts may wait for the sink (metrics
     * and queue, normally ready a hundred or two milliseconds after the call wakes the start).
     */
    private static final long SINK_WAIT_MILLIS = 10_000;
    /** The queue's slots take at most this share of the maximum heap (see {@link #queueCapacity}). */
    private static final int HEAP_SHARE_FOR_QUEUE = 8;
    /**
     * A journal locked by another process (or on a full disk) when the agent starts is tried again after this long,
     * then twice as long each time, up to {@link #JOURNAL_RETRY_MAX_MILLIS}. Each attempt waits
     * up to a second for the lock itself (SQLite's busy timeout, {@link Sqlite#openForWriting}).
     */
    private static final long JOURNAL_RETRY_MIN_MILLIS = 1000;
    private static final long JOURNAL_RETRY_MAX_MILLIS = 30_000;
    /** JDBC's module, which sqlite-jdbc and the journal need; the rest of the agent uses java.base only. */
    private static final String JDBC_MODULE = "java.sql";

    private final AgentConfig config;
    private final Instrumenter instrumenter;
    private final Targets targets;
    /** Counted down when the start-up thread is done, whatever became of each part. */
    private final CountDownLatch started = new CountDownLatch(1);
    /** Past the deferral, how long a start may wait for the service's class loading to quieten. */
    static final int SETTLE_MAX_MILLIS = 30_000;
    /** After a journal that will not open, when its queue is let go of the second time. */
    private static final long QUEUE_RELEASE_DELAY_MILLIS = 1_000;
    /** The window in which fewer classes than {@link #SETTLED_CLASSES} mean the service's start is done. */
    static final int SETTLE_WINDOW_MILLIS = 500;
    static final int SETTLED_CLASSES = 50;
    private static final int SETTLE_STEP_MILLIS = 100;
    /** Counted down at JVM exit or at the first call of a site: a deferred start goes ahead at once. */
    private final CountDownLatch hurry = new CountDownLatch(1);
    /** When {@code premain} began: the deferred start counts from here. */
    private final long startNanos = System.nanoTime();
    private volatile AgentMetrics metrics;
    private volatile EventQueue queue;
    /** What a queue let go of ({@link #stopFeedingJournal}) had dropped. */
    private volatile long releasedDrops;
    private volatile CaptureSink sink;
    private volatile JournalWriter journal;
    private volatile MetricsExporter exporter;
    /** A site was called while the start was deferred: it waits for the sink, which must start. */
    private volatile boolean siteCalled;
    /** The JVM began to exit: a start still deferred does not happen unless a site was called. */
    private volatile boolean exitBegun;
    /** While a journal that was locked (or full) at start is retried ({@link #retryOpening}). */
    private volatile boolean journalPending;
    /** The journal will not be opened (said, and its queue let go): nothing more to say of it at exit. */
    private volatile boolean journalDisabled;
    /** Whether this agent's sink is the bridge's: it runs. */
    private volatile boolean sinkInstalled;
    /** What a later attach reads of this agent: see {@link AgentProperties}. */
    private volatile AgentProperties published = AgentProperties.none();
    private volatile Thread journalOpener;
    /** Counted down at JVM exit: a locked journal is no longer waited for. */
    private final CountDownLatch exiting = new CountDownLatch(1);

    private AgentRuntime(AgentConfig config) {
        this.config = config;
        // One set of targets for both: the advice bakes each target's index in, the sink reads it back.
        this.targets = Targets.from(config);
        this.instrumenter = new Instrumenter(targets, AgentLog::warn);
    }

    /**
     * The names (never the values) of the settings an ignored start was given as its agent argument,
     * for the warning: a {@code -javaagent} beside one in {@code JAVA_TOOL_OPTIONS} otherwise lost
     * its journal path and port without a word. Empty when it was given none.
     */
    static String unusedArguments(AgentConfig config) {
        StringJoiner names = new StringJoiner(", ", ", and so are its agent arguments ",
                " (the running agent keeps its own settings)");
        names.setEmptyValue("");
        for (Key<?> key : Keys.all()) {
            if (config.origin(key).equals(AgentConfig.AGENT_ARGUMENT)) {
                names.add(key.name());
            }
        }
        return names.toString();
    }

    /** Called reflectively by {@code Kube9Agent}; never throws into the host. */
    public static void start(String args, Instrumentation instrumentation, boolean attached, String bridge) {
        if (!bridge.equals(BridgeInjector.DEFINED) && !bridge.equals(BridgeInjector.PRESENT)) {
            AgentLog.info("bridge " + bridge);
        }
        AgentConfig config = ConfigLoader.load(args);
        for (String problem : config.problems()) {
            AgentLog.warn("configuration: " + problem);
        }
        if (!config.get(Keys.ENABLED)) {
            if (Kube9Bridge.running()) {
                // "disabled" would read as if the running agent had stopped; it cannot be stopped.
                AgentLog.warn("already running in this JVM; this " + (attached ? "attach" : "start") + " with "
                        + Keys.ENABLED.name() + "=false is ignored (the running agent stays on until the JVM exits)");
            } else {
                AgentLog.info("disabled by " + Keys.ENABLED.name() + "=false (" + config.origin(Keys.ENABLED) + ")");
            }
            return;
        }
        new AgentRuntime(config).startParts(instrumentation, attached);
    }

    private void startParts(Instrumentation instrumentation, boolean attached) {
        // A call of a site that comes before the sink exists waits for it (and wakes a deferred
        // start). Refused when an agent already runs or is still starting in this JVM (attached
        // twice, or attached while the -javaagent's start is deferred).
        if (!Kube9Bridge.starting(SINK_WAIT_MILLIS, this::siteCalled)) {
            AgentLog.warn("already running in this JVM; this " + (attached ? "attach" : "start") + " is ignored"
                    + unusedArguments(config));
            return;
        }
        PackageOpener.use(instrumentation);
        published = AgentProperties.of(instrumentation);
        published.set(AgentProperties.STATE, "starting");
        DaemonThreads threads = new DaemonThreads("kube9-start");
        if (!attached) {
            // First of all: a site class that the service loads early (the sample's do) waits for the weaver.
            try {
                threads.newThread(instrumenter::prepare).start();
            } catch (RuntimeException | OutOfMemoryError noThread) {
                instrumenter.prepare(); // here, then: the service's start waits for it
            }
        }
        try {
            instrumenter.install(instrumentation, AgentRuntime.class.getClassLoader(), attached);
        } catch (RuntimeException e) {
            AgentLog.warn("instrumentation failed, metrics stay empty: " + e);
        }
        if (attached) {
            instrumenter.prepare();
            startRest(instrumentation, true);
        } else {
            try {
                threads.newThread(() -> startRest(instrumentation, false)).start();
            } catch (RuntimeException | OutOfMemoryError noThread) {
                // Left starting, every first call of a site would wait for a sink that never comes.
                abandon();
                AgentLog.warn("not started, the application runs without it: " + whyNot(noThread));
            }
        }
    }

    /** Everything but the transformer and the advice; never throws. */
    private void startRest(Instrumentation instrumentation, boolean attached) {
        try {
            // Here rather than in premain: nothing is captured before the sink below exists. The
            // start is finished beside the service's own hooks, and the queue drained after them
            // where the JDK allows it (LateShutdownHook), else beside them too.
            Runnable besideTheService = this::stop;
            if (LateShutdownHook.register(instrumentation, this::drainAtExit)) {
                besideTheService = this::finishStartAtExit;
            }
            Runtime.getRuntime().addShutdownHook(new DaemonThreads("kube9-shutdown").newThread(besideTheService));
        } catch (IllegalStateException shuttingDown) {
            // The JVM exits before the agent could start (java -version): there is nothing to report.
            abandon();
            started.countDown();
            return;
        } catch (RuntimeException refused) {
            // SecurityException: hooks not permitted.
            abandon();
            AgentLog.warn("not started, the application runs without it: " + refused);
            started.countDown();
            return;
        }
        try {
            if (!attached) {
                awaitDeferredStart();
                if (exitBegun && !siteCalled) {
                    // Nothing was captured and nothing will be (java -version, a short job started
                    // with JAVA_TOOL_OPTIONS): no journal to create, no port to bind on the way out.
                    abandon();
                    return;
                }
            }
            if (!startCapture()) {
                return;
            }
            if (attached) {
                instrumenter.retransformLoaded();
            }
            openJournal();
            try {
                registerMetrics();
            } catch (RuntimeException | LinkageError e) { // the endpoint still serves what was registered
                AgentLog.warn("some metrics could not be registered, the endpoint serves the rest: " + e);
            }
            startExporter();
        } catch (Throwable t) {
            AgentLog.warn("start-up failed part-way, the application runs on: " + whyNot(t));
        } finally {
            Kube9Bridge.abandonStart(); // nothing if the sink was installed
            if (sinkInstalled) { // this agent's, not another's that started since
                published.set(AgentProperties.STATE, "running");
            } else {
                published.clear();
            }
            started.countDown();
        }
    }

    /**
     * Waits until {@link Keys#START_DEFER} after {@code premain}, the first call of a site, or
     * JVM exit, whichever comes first. The metrics, the journal (SQLite's native library unpacked and
     * loaded) and the exporter take a few hundred milliseconds of CPU to start; on a small
     * machine, spent while the service starts, they were the service's start-up (issue 5). The
     * site classes are woven meanwhile; a call of one waits in the bridge while the rest starts
     * ({@code StartingSink}); a scrape meanwhile is refused.
     */
    private void awaitDeferredStart() {
        Duration defer = config.get(Keys.START_DEFER);
        long remaining = startNanos + defer.toNanos() - System.nanoTime();
        try {
            if (hurry.await(Math.max(0, remaining), TimeUnit.NANOSECONDS) || defer.isZero()) {
                return;
            }
            awaitQuietClassLoading();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Past {@link Keys#START_DEFER}, waits on while the service still loads classes at its
     * start-up's pace, up to {@value #SETTLE_MAX_MILLIS} ms more: a framework's start takes longer
     * than the deferral (a Spring Boot service, ~6 s on 2 cores, loads ~8,500 classes), and the
     * agent's start in the middle of it (0.7-1.0 s of CPU: the Prometheus client, sqlite-jdbc
     * loading its native library, the endpoint) came out of the service's. Quiet means fewer than
     * {@value #SETTLED_CLASSES} classes in the last {@value #SETTLE_WINDOW_MILLIS} ms. A call of a
     * site, or the JVM's exit, still starts the agent at once.
     */
    private void awaitQuietClassLoading() throws InterruptedException {
        long[] seen = new long[SETTLE_WINDOW_MILLIS / SETTLE_STEP_MILLIS + 1]; // a ring of samples, a step apart
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MAX_MILLIS);
        for (int step = 0; System.nanoTime() - deadline < 0; step++) {
            long offered = instrumenter.classesOffered();
            int slot = step % seen.length;
            long windowAgo = seen[(step + 1) % seen.length]; // the sample SETTLE_WINDOW_MILLIS ago
            seen[slot] = offered;
            if (step >= seen.length - 1 && offered - windowAgo < SETTLED_CLASSES) {
                return;
            }
            if (hurry.await(SETTLE_STEP_MILLIS, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    /** A call of a site waits for the sink: the deferred start goes ahead at once. */
    private void siteCalled() {
        siteCalled = true;
        hurry.countDown();
    }

    /** Metrics, the queue and the sink behind the bridge; from then on calls count. */
    private boolean startCapture() {
        try {
            metrics = new AgentMetrics(config.get(Keys.LABEL_LIMIT));
            queue = config.get(Keys.JOURNAL_ENABLED) ? queue() : null;
            // The journal opens later; the queue holds what is captured until then.
            sink = new CaptureSink(targets, metrics, queue, config.get(Keys.JOURNAL_PAYLOAD),
                    config.get(Keys.JOURNAL_PAYLOAD_MAX));
            sink.onFirstFailure(AgentRuntime::tellFirstCaptureFailure);
        } catch (Throwable t) {
            abandon();
            AgentLog.warn("not started, the application runs without it: " + t);
            return false;
        }
        sinkInstalled = Kube9Bridge.install(sink);
        if (!sinkInstalled) {
            abandon();
            AgentLog.warn("already running in this JVM; this start is ignored" + unusedArguments(config));
            return false;
        }
        return true;
    }

    /**
     * Says the first failure of capture in one line, from a thread of its own: it happens on the
     * application's thread, which must not wait for stderr.
     */
    private static void tellFirstCaptureFailure(Throwable failure) {
        StackTraceElement[] frames = failure.getStackTrace();
        new DaemonThreads("kube9-report").newThread(() -> AgentLog.warn("capturing an intercepted call failed ("
                + failure + (frames.length == 0 ? "" : " at " + frames[0]) + "); the call went on unchanged, and this"
                + " and later failures are counted in kube9_advice_errors_total")).start();
    }

    /** The journal's queue, as configured: said when its lanes made it larger than asked. */
    private EventQueue queue() {
        int capacity = queueCapacity();
        EventQueue made = EventQueue.laned(capacity, config.get(Keys.QUEUE_LANES));
        if (made.capacity() > EventQueue.roundedCapacity(capacity)) {
            AgentLog.warn(Keys.QUEUE_CAPACITY.name() + "=" + config.get(Keys.QUEUE_CAPACITY)
                    + " is fewer than two events for each of the " + made.lanes() + " lanes ("
                    + Keys.QUEUE_LANES.name() + "): the queue holds " + made.capacity() + " events");
        }
        return made;
    }

    /**
     * The configured capacity, unless its slot arrays (allocated at once: see {@link SlotFootprint}
     * for what they take) would take more than an eighth of the heap the service may use: then the
     * largest that fits, said once; as a warning where the capacity was asked for, else as a fact.
     */
    private int queueCapacity() {
        int requested = config.get(Keys.QUEUE_CAPACITY);
        int lanes = config.get(Keys.QUEUE_LANES);
        long heap = Runtime.getRuntime().maxMemory();
        SlotFootprint footprint = SlotFootprint.ofThisJvm();
        int capacity = footprint.capacityWithin(requested, lanes, heap / HEAP_SHARE_FOR_QUEUE);
        if (capacity < EventQueue.roundedCapacity(requested)) {
            String fitted = "the queue holds " + capacity + " events (" + megabytes(footprint.bytes(capacity, lanes))
                    + " of heap) instead of " + requested + " (" + megabytes(footprint.bytes(requested, lanes))
                    + "), to stay within 1/" + HEAP_SHARE_FOR_QUEUE + " of this JVM's maximum heap ("
                    + megabytes(heap) + ")";
            if (config.origin(Keys.QUEUE_CAPACITY).equals("default")) {
                AgentLog.info(fitted);
            } else {
                AgentLog.warn(Keys.QUEUE_CAPACITY.name() + "=" + requested + " is too large for this heap: " + fitted);
            }
        }
        return capacity;
    }

    private static String megabytes(long bytes) {
        return (bytes + (1 << 19)) / (1 << 20) + " MB";
    }

    /** No capture after all: sites load as they are, and calls waiting for the sink go on. */
    private void abandon() {
        instrumenter.abandon();
        Kube9Bridge.abandonStart();
        published.clear(); // after: until then a second agent would still be refused
    }

    private void openJournal() {
        if (!config.get(Keys.JOURNAL_ENABLED)) {
            return;
        }
        if (ModuleLayer.boot().findModule(JDBC_MODULE).isEmpty()) {
            // A service started as a module (java -m) has only the modules it requires resolved: the
            // journal's first class would fail to load on JDBC's, and with it the rest of the start-up.
            stopFeedingJournal();
            AgentLog.warn("the JVM runs without the JDK module " + JDBC_MODULE + ", which the journal needs (a"
                    + " service started as a module, java -m, resolves only the modules it requires): journal"
                    + " disabled, metrics continue; add --add-modules=" + JDBC_MODULE + " to its java command or to"
                    + " JAVA_TOOL_OPTIONS");
            return;
        }
        String path = config.get(Keys.JOURNAL_PATH);
        try {
            startJournal(openJournalAt(path));
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            if (!mayPass(e)) {
                withoutJournal(e);
                return;
            }
            // Waiting is all it takes: capture goes on into the queue (which drops its oldest when
            // full, counted) until the file opens.
            String notLoaded = SqliteNativeLibrary.whyNotLoaded(e);
            AgentLog.warn(Sqlite.isLocked(e)
                    ? "journal " + path + " is locked by another process; capture continues into the queue"
                            + " and the journal is opened when the lock is released (retried in the background)"
                    : (notLoaded != null ? notLoaded : describe(e)) + "; capture continues into the queue and the"
                            + " journal is opened once it can be written (retried in the background)");
            journalPending = true;
            Thread opener = new DaemonThreads("kube9-journal-open").newThread(() -> retryOpening(path));
            journalOpener = opener;
            try {
                opener.start();
            } catch (RuntimeException | OutOfMemoryError noThread) {
                journalPending = false;
                journalOpener = null;
                withoutJournal(noThread);
            }
        }
    }

    /**
     * Tries the locked (or full) journal again, {@link #JOURNAL_RETRY_MIN_MILLIS} after the first attempt
     * and then twice as long each time up to {@link #JOURNAL_RETRY_MAX_MILLIS}, until it opens,
     * fails for another reason, or the JVM exits ({@link #stop}).
     */
    private void retryOpening(String path) {
        long backoffMillis = JOURNAL_RETRY_MIN_MILLIS;
        try {
            while (!exiting.await(backoffMillis, TimeUnit.MILLISECONDS)) {
                try {
                    startJournal(openJournalAt(path));
                    return;
                } catch (Exception | LinkageError | OutOfMemoryError e) {
                    if (!mayPass(e)) {
                        withoutJournal(e);
                        return;
                    }
                }
                backoffMillis = Math.min(backoffMillis * 2, JOURNAL_RETRY_MAX_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // out of time at exit: the queued events are not written
        } finally {
            journalPending = false;
        }
    }

    /** A journal locked or not writable for now, or SQLite's library not unpacked for want of space. */
    private static boolean mayPass(Throwable failure) {
        return Sqlite.mayPass(failure) || SqliteNativeLibrary.mayPass(failure);
    }

    private JournalWriter openJournalAt(String path) throws Exception {
        // Loaded here first, where a failure can be tried again: sqlite-jdbc's first connection
        // keeps its outcome for the JVM's life.
        org.sqlite.SQLiteJDBCLoader.initialize();
        return JournalWriter.open(path, queue, metrics, AgentLog::warn,
                new JournalWriter.Retention(config.get(Keys.JOURNAL_RETENTION_AGE),
                        config.get(Keys.JOURNAL_RETENTION_ROWS), config.get(Keys.JOURNAL_RETENTION_BYTES)),
                config.get(Keys.JOURNAL_PAYLOAD), config.get(Keys.JOURNAL_PAYLOAD_MAX),
                config.get(Keys.JOURNAL_BATCH), config.get(Keys.JOURNAL_FLUSH_INTERVAL));
    }

    private void startJournal(JournalWriter opened) {
        try {
            opened.start(new DaemonThreads("kube9-journal"));
        } catch (RuntimeException | OutOfMemoryError noThread) {
            opened.abandon();
            throw noThread;
        }
        journal = opened;
        published.set(AgentProperties.JOURNAL, opened.path().toString());
        AgentLog.info("journal " + opened.path());
    }

    /** {@code journal /tmp is a directory, not a file (kube9.journal.path): journal disabled, metrics continue}. */
    private void withoutJournal(Throwable failure) {
        stopFeedingJournal();
        String notLoaded = SqliteNativeLibrary.whyNotLoaded(failure); // said as the CLI says it
        String noThread = noThread(failure);
        String problem = notLoaded != null ? notLoaded
                : noThread != null ? "journal " + config.get(Keys.JOURNAL_PATH) + " not started: " + noThread
                : failure instanceof LinkageError
                        ? "SQLite's native library did not load (" + describe(failure) + ")"
                        : describe(failure) + " (" + Keys.JOURNAL_PATH.name() + ")";
        AgentLog.warn(problem + ": journal disabled, metrics continue");
    }

    /**
     * The journal will not open: the sink stops feeding its queue, and the events the queue holds
     * are let go, counted as dropped. Kept, they held the service's ids and payloads, and so the
     * class loaders of a plugin or a redeployed application, for as long as the JVM ran, counted
     * neither inserted nor dropped. Let go again a second later: a call that was filling a slot
     * as the sink stopped (a thread descheduled in the middle) has finished by then, and the
     * queue itself is let go.
     */
    private void stopFeedingJournal() {
        journalDisabled = true;
        sink.withoutJournal();
        EventQueue stopped = queue;
        if (stopped == null) {
            return;
        }
        stopped.discardAll();
        try {
            new DaemonThreads("kube9-queue-release").newThread(() -> {
                try {
                    Thread.sleep(QUEUE_RELEASE_DELAY_MILLIS);
                } catch (InterruptedException e) {
                    return; // the JVM is on its way out
                }
                stopped.discardAll();
                // Its slot arrays (an eighth of a small heap) go too; the drops it counted stay counted.
                releasedDrops = stopped.dropped();
                queue = null;
            }).start();
        } catch (RuntimeException | OutOfMemoryError noThread) {
            // no thread to spare (the reason the journal stopped, perhaps): the queue stays, emptied
        }
    }

    private void registerMetrics() {
        metrics.info(Version.current());
        metrics.gauge("kube9_events_queue_size", "Events waiting in the agent's queue for the journal",
                () -> {
                    EventQueue waiting = queue;
                    return waiting != null && (journal != null || journalPending) ? waiting.size() : 0;
                });
        metrics.gauge("kube9_events_queue_capacity", "Capacity of the agent's queue",
                () -> {
                    EventQueue held = queue;
                    return held != null ? held.capacity() : 0;
                });
        metrics.counter("kube9_events_dropped_total", "Events dropped because the agent's queue was full (oldest first),"
                        + " or that the journal could not take (a damaged file, a failed writer, none at exit)",
                () -> {
                    EventQueue held = queue;
                    return held != null ? held.dropped() : releasedDrops;
                });
        metrics.gauge("kube9_events_storage_size_bytes", "Size on disk of the journal (database and WAL)",
                () -> journal != null ? journal.sizeOnDisk() : 0);
        metrics.databaseOperations(() -> journal != null ? journal.inserted() : 0,
                () -> journal != null ? journal.selects() : 0,
                () -> journal != null ? journal.deleted() : 0);
        if (config.get(Keys.JOURNAL_ENABLED)) { // absent where it is off on purpose: no alert for that
            metrics.gauge("kube9_journal_up", "1 while the journal is open and its last write succeeded",
                    () -> journal != null && journal.healthy() ? 1 : 0);
        }
        metrics.gauge("kube9_journal_rows", "Rows in the journal", () -> journal != null ? journal.rows() : 0);
        metrics.gauge("kube9_journal_retention_max_rows", "Configured row limit of the journal (0 = none)",
                () -> config.get(Keys.JOURNAL_RETENTION_ROWS));
        metrics.gauge("kube9_agent_config_problems", "Configuration problems reported at start-up",
                () -> config.problems().size());
        metrics.gauge("kube9_instrumented_methods", "Methods that received the agent's advice",
                instrumenter::instrumentedMethods);
        String store = config.get(Keys.STORE_PATH);
        if (store != null) {
            Path storePath = storePath(store);
            if (storePath != null) {
                AtomicBoolean missingSaid = new AtomicBoolean();
                metrics.gauge("event_store_size_bytes", "Size on disk of the service's own event store",
                        () -> storeSize(storePath, missingSaid));
            }
        }
        if (config.get(Keys.JVM_METRICS)) {
            JvmMetrics.builder(metrics.properties()).register(metrics.registry());
        }
    }

    private void startExporter() {
        if (!config.get(Keys.EXPORTER_ENABLED)) {
            return;
        }
        String host = config.get(Keys.EXPORTER_HOST);
        int port = config.get(Keys.EXPORTER_PORT);
        // an IPv6 address, as URLs write it (given with its brackets or without)
        String address = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        try {
            ExporterSecurity security = ExporterSecurity.from(config);
            exporter = MetricsExporter.start(metrics, host, port, security, new DaemonThreads("kube9-exporter"),
                    AgentLog::warn);
            String url = security.scheme() + "://" + address + ":" + exporter.port() + "/metrics";
            published.set(AgentProperties.METRICS, url);
            AgentLog.info("metrics on " + url + security.describe());
        } catch (ConfigException e) {
            // Asked-for auth or TLS that cannot be set up keeps the endpoint closed: never open, never plain HTTP.
            AgentLog.warn("metrics endpoint not started: " + e.getMessage() + "; capture and journal continue");
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            String noThread = noThread(e);
            AgentLog.warn("metrics endpoint not started on " + address + ":" + port
                    + (noThread != null ? ": " + noThread : " (" + describe(e) + ")" + remedy(e, port))
                    + "; capture and journal continue");
        }
    }

    /** At JVM exit, beside the service's own hooks, and then after them: see {@link #startRest}. */
    private void stop() {
        finishStartAtExit();
        drainAtExit();
    }

    /**
     * At JVM exit, beside the service's own shutdown hooks: let a start-up still under way finish,
     * and give up on a journal still locked (an attempt under way may still open it). Here, because
     * the JDK's last exit steps come after these hooks, and sqlite-jdbc, loading its native library,
     * asks to delete its copy at exit, which the JDK refuses once those steps have begun.
     */
    private void finishStartAtExit() {
        exitBegun = true;
        hurry.countDown();
        Duration timeout = config.get(Keys.JOURNAL_SHUTDOWN_TIMEOUT);
        try {
            if (!started.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                AgentLog.warn("exiting while the agent still starts; the journal may miss the last events");
            }
            exiting.countDown();
            Thread opener = journalOpener;
            if (opener != null) {
                // At most one attempt under way: about a second's wait for the lock, then the open.
                opener.join(timeout.toMillis());
                opener.interrupt(); // nothing if it is done; else the queued events are not written
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * At JVM exit, once the service's shutdown hooks are done where the JDK allows it: drain the
     * queue into the journal and leave it open for what still comes; close the endpoint.
     */
    private void drainAtExit() {
        JournalWriter openJournal = journal;
        EventQueue waiting = queue;
        if (openJournal != null) {
            openJournal.drainAtExit(config.get(Keys.JOURNAL_SHUTDOWN_TIMEOUT));
        } else if (journalOpener != null && waiting != null && !journalDisabled) {
            // Waited for all along (locked, or a full disk): what it held is said once, the last
            // record of it there will be.
            long unwritten = waiting.size();
            long dropped = waiting.dropped();
            if (unwritten + dropped > 0) {
                AgentLog.warn("journal " + config.get(Keys.JOURNAL_PATH) + " could not be opened before the JVM"
                        + " exited: " + unwritten + " captured events were not written"
                        + (dropped > 0 ? ", and " + dropped + " were dropped while the queue was full" : ""));
            }
        }
        MetricsExporter openExporter = exporter;
        if (openExporter != null) {
            openExporter.close();
        }
    }

    /**
     * The store's path, or null (said) when this JVM cannot make one of it: a NUL, or characters
     * its file-name encoding cannot hold (a container without a UTF-8 locale). Only the gauge goes.
     */
    private static Path storePath(String store) {
        try {
            return Paths.get(store).toAbsolutePath();
        } catch (InvalidPathException e) {
            AgentLog.warn(Keys.STORE_PATH.name() + ": " + shown(store) + " is not a path this JVM can open ("
                    + e.getReason() + "; file names are " + System.getProperty("sun.jnu.encoding") + " here);"
                    + " event_store_size_bytes is not served, the other metrics are");
            return null;
        }
    }

    /** A value as the log can show it: quoted, control characters as escapes. */
    private static String shown(String value) {
        StringBuilder shown = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            shown.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return shown.append('"').toString();
    }

    /**
     * The store's size, and once, at the first scrape that finds no file there, a line that says
     * so: a typo in the path would otherwise only show as a gauge at 0. Said at a scrape rather
     * than when the agent starts, because a service creates its store as it starts, often after
     * the agent (and on every fresh volume): a warning then would be a false alarm. The path
     * is read again at every scrape, so the gauge follows a store created later.
     */
    private static long storeSize(Path path, AtomicBoolean missingSaid) {
        if (!Files.exists(path)) {
            if (missingSaid.compareAndSet(false, true)) {
                AgentLog.warn(Keys.STORE_PATH.name() + ": " + path + " does not exist; event_store_size_bytes reads 0"
                        + " until it does");
            }
            return 0;
        }
        return sizeOf(path);
    }

    private static long sizeOf(Path path) {
        try {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
                }
            }
            long size = path.toFile().length();
            // an SQLite store's write-ahead log is part of its size on disk
            return size + new File(path + "-wal").length();
        } catch (Exception e) {
            return 0;
        }
    }

    /** What to change when the address cannot be bound: the keys that name it, and their sources. */
    private String remedy(Throwable e, int port) {
        if (e instanceof BindException) {
            return bindRemedy(e.getMessage(), port, origin(Keys.EXPORTER_PORT), origin(Keys.EXPORTER_HOST));
        }
        if (e instanceof UnknownHostException) {
            return ": check " + Keys.EXPORTER_HOST.name() + " (" + origin(Keys.EXPORTER_HOST) + ") and "
                    + Keys.EXPORTER_PORT.name() + " (" + origin(Keys.EXPORTER_PORT) + ")";
        }
        String reason = String.valueOf(e.getMessage());
        if (e instanceof SocketException && (reason.contains("family") || reason.contains("Cannot assign"))) {
            // "Protocol family unavailable": an IPv6 address on a machine without IPv6, say
            return ": set " + Keys.EXPORTER_HOST.name() + " (" + origin(Keys.EXPORTER_HOST) + ") to an address"
                    + " of this machine, or 0.0.0.0 for all of them";
        }
        return "";
    }

    /** What a failed start says: {@link #noThread}'s line, or the failure itself. */
    private static String whyNot(Throwable failure) {
        String noThread = noThread(failure);
        return noThread != null ? noThread : failure.toString();
    }

    /**
     * What a failure to start a thread says, or null when {@code e} is not one: the JVM reports it
     * as an {@code OutOfMemoryError}, which here nearly always means a limit on threads.
     */
    static String noThread(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutOfMemoryError && String.valueOf(cause.getMessage()).contains("native thread")) {
                return "no thread could be started (the process is at its limit of threads or processes: ulimit -u,"
                        + " or the container's pids limit)";
            }
        }
        return null;
    }

    /**
     * The key to change for a failed bind, by the system's reason: a port in use, a port this user
     * may not bind, or a host that is none of this machine's addresses (Linux words them so; any
     * other reason gets the advice for a busy port).
     */
    static String bindRemedy(String reason, int port, String portOrigin, String hostOrigin) {
        String message = reason == null ? "" : reason;
        if (message.contains("Cannot assign requested address")) {
            return ": set " + Keys.EXPORTER_HOST.name() + " (" + hostOrigin + ") to an address of this machine, or"
                    + " 0.0.0.0 for all of them";
        }
        if (message.contains("Permission denied") && port > 0 && port < 1024) {
            return ": ports below 1024 need privileges this process does not have; set " + Keys.EXPORTER_PORT.name()
                    + " (" + portOrigin + ") to 1024 or above";
        }
        return ": set " + Keys.EXPORTER_PORT.name() + " (" + portOrigin + ") to a free port, or 0 for any free port";
    }

    private String origin(Key<?> key) {
        String origin = config.origin(key);
        return "default".equals(origin) ? "its default" : "from " + origin;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
