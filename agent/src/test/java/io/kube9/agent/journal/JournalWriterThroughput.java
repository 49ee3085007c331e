package io.kube9.agent.journal;

import io.kube9.agent.config.Keys;
import io.kube9.agent.config.TestConfigs;
import io.kube9.agent.metrics.AgentMetrics;
import io.kube9.agent.queue.CapturedEvent;
import io.kube9.agent.queue.EventQueue;
import io.kube9.agent.queue.Slots;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Not a test: the journal writer's own throughput, in process, with the agent's default settings
 * (queue 65,536, batches of 5,000, retention 1,000,000 rows, payload off). One producer fills the
 * queue with rows shaped like {@code CaptureLoadApp}'s; every interval prints the writer's
 * inserts and deletes per second, the CPU time of its threads (writer and checkpointer) per row,
 * the writer thread's share of a core, and its allocation per row.
 *
 * <pre>{@code java -cp agent/target/classes:agent/target/test-classes:<sqlite-jdbc, prometheus>
 *     io.kube9.agent.journal.JournalWriterThroughput 60 0 /tmp/j 1000000 5000}</pre>
 *
 * <p>Arguments: seconds, rate (0 = keep the queue full), directory, retention rows, batch size,
 * and optionally a page size for the new journal (SQLite's 4096, say, against the agent's own).
 */
public final class JournalWriterThroughput {
    private static final String[] TYPES = {
        "order.created", "order.item-added", "order.paid", "order.shipped",
        "order.cancelled", "cluster", "operator", "health"
    };
    private static final String[] SEVERITIES = {"info", "warning", "error", "critical"};

    private JournalWriterThroughput() {}

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 30;
        double rate = args.length > 1 ? Double.parseDouble(args[1]) : 0;
        Path dir = Paths.get(args.length > 2 ? args[2] : "/tmp/journal-throughput");
        long retentionRows = args.length > 3 ? Long.parseLong(args[3]) : 1_000_000L;
        int batchSize = args.length > 4 ? Integer.parseInt(args[4]) : 5000;
        int pageSize = args.length > 5 ? Integer.parseInt(args[5]) : JournalSchema.PAGE_SIZE;
        Files.createDirectories(dir);
        Path file = dir.resolve("journal.db");
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Paths.get(file + suffix));
        }
        if (pageSize != JournalSchema.PAGE_SIZE) {
            // The page size is fixed once the file has a table: the agent keeps it, as for any existing file.
            try (java.sql.Connection connection = Sqlite.openForWriting(file.toString());
                    java.sql.Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA page_size = " + pageSize);
                statement.execute("CREATE TABLE formatted (x)");
                statement.execute("DROP TABLE formatted");
            }
        }
        EventQueue queue = new EventQueue(65_536);
        AgentMetrics metrics = new AgentMetrics(200);
        JournalWriter writer = JournalWriter.open(file.toString(), queue, metrics, System.err::println,
                new JournalWriter.Retention(Duration.ofDays(7), retentionRows), false, 4096, batchSize,
                TestConfigs.defaults().get(Keys.JOURNAL_FLUSH_INTERVAL));
        AtomicReference<Thread> writerThread = new AtomicReference<>();
        List<Thread> journalThreads = new CopyOnWriteArrayList<>();
        writer.start(task -> {
            Thread thread = new Thread(task, "kube9-journal");
            thread.setDaemon(true);
            writerThread.set(thread); // the writer is started last (after its checkpointer)
            journalThreads.add(thread);
            return thread;
        });
        CapturedEvent[] events = events(1024);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        Thread producer = new Thread(() -> produce(queue, events, rate, start, end, batchSize), "producer");
        producer.setDaemon(true);
        producer.start();

        System.out.printf("page size %d, batch %d, retention %d rows%n", pageSize, batchSize, retentionRows);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = writerThread.get().getId();
        long lastInserted = 0;
        long lastDeleted = 0;
        long lastCpu = 0;
        long lastWriterCpu = 0;
        long lastAllocated = 0;
        long lastTime = start;
        long lastWritten = bytesWritten();
        long firstCpu = -1;
        long interval = TimeUnit.SECONDS.toNanos(5);
        while (producer.isAlive()) {
            producer.join(TimeUnit.NANOSECONDS.toMillis(interval));
            long now = System.nanoTime();
            long inserted = writer.inserted();
            long deleted = writer.deleted();
            long cpu = cpuTime(threads, journalThreads);
            long writerCpu = threads.getThreadCpuTime(id);
            long allocated = threads.getThreadAllocatedBytes(id);
            long written = bytesWritten();
            long rows = Math.max(1, inserted - lastInserted);
            double elapsed = (now - lastTime) / 1e9;
            System.out.printf("%5.0f s  inserted %7.0f/s  deleted %7.0f/s  writer cpu %5.2f us/row (writer %3.0f%% of a core)"
                    + "  alloc %5.0f B/row  written %5.0f B/row  rows %8d  dropped %d%n",
                    (now - start) / 1e9, (inserted - lastInserted) / elapsed, (deleted - lastDeleted) / elapsed,
                    (cpu - lastCpu) / 1e3 / rows, (writerCpu - lastWriterCpu) / 1e7 / elapsed,
                    (allocated - lastAllocated) / (double) rows, (written - lastWritten) / (double) rows, writer.rows(),
                    queue.dropped());
            if (firstCpu < 0) {
                firstCpu = cpu;
            }
            lastInserted = inserted;
            lastDeleted = deleted;
            lastCpu = cpu;
            lastWriterCpu = writerCpu;
            lastAllocated = allocated;
            lastTime = now;
            lastWritten = written;
        }
        long cpu = cpuTime(threads, journalThreads);
        boolean drained = writer.close(Duration.ofSeconds(60));
        double total = (System.nanoTime() - start) / 1e9;
        System.out.printf("total: inserted %d (%.0f/s), deleted %d, dropped %d, writer cpu %.2f us/row, drained %s%n",
                writer.inserted(), writer.inserted() / total, writer.deleted(), queue.dropped(),
                cpu / 1e3 / Math.max(1, writer.inserted()), drained);
    }

    /** CPU time of the writer and its checkpointer together. */
    private static long cpuTime(com.sun.management.ThreadMXBean threads, List<Thread> journalThreads) {
        long sum = 0;
        for (Thread thread : journalThreads) {
            sum += Math.max(0, threads.getThreadCpuTime(thread.getId()));
        }
        return sum;
    }

    /** Bytes this process handed to write(2) and pwrite(2): the WAL, checkpoints into the database. */
    private static long bytesWritten() throws java.io.IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/io"))) {
            if (line.startsWith("wchar:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        return 0;
    }

    private static void produce(EventQueue queue, CapturedEvent[] events, double rate, long start, long end,
            int batchSize) {
        long count = 0;
        long now;
        int full = queue.capacity() - 2 * batchSize;
        while ((now = System.nanoTime()) < end) {
            long due = rate == 0 ? count + (full - queue.size()) : (long) ((now - start) / 1e9 * rate);
            if (count >= due) {
                LockSupport.parkNanos(rate == 0 ? 200_000 : 1_000_000);
                continue;
            }
            for (long n = Math.min(due - count, 10_000); n > 0; n--) {
                long position = queue.lane(0).claim();
                if (position >= 0) {
                    CapturedEvent event = events[(int) (count & 1023)];
                    event.recordedAt = System.currentTimeMillis();
                    Slots.put(queue.lane(0), position, event);
                }
                count++;
            }
        }
    }

    /** Shaped like the benchmark's: 8 types, 4 severities, UUID ids, 4 events per aggregate. */
    private static CapturedEvent[] events(int count) {
        CapturedEvent[] events = new CapturedEvent[count];
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            CapturedEvent event = new CapturedEvent();
            boolean recorder = (i & 1) == 0;
            event.site = recorder ? "recorder" : "store";
            event.source = recorder ? "io.kube9.bench.fixture.BenchEventRecorder#recordEvent"
                    : "io.kube9.bench.fixture.BenchEventStore#append";
            event.eventType = TYPES[i % TYPES.length];
            event.severity = SEVERITIES[i % SEVERITIES.length];
            event.eventId = UUID.randomUUID().toString();
            event.aggregateId = "order-" + (i / 4);
            event.occurredAt = now;
            event.payloadBytes = 90 + i % 10;
            event.thread = "capture-load-" + (i % 2);
            events[i] = event;
        }
        return events;
    }
}
