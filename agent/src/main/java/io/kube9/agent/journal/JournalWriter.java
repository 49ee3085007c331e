package io.kube9.agent.journal;

import io.kube9.agent.metrics.AgentMetrics;
import io.kube9.agent.queue.CapturedEvent;
import io.kube9.agent.queue.EventQueue;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The one thread that writes the journal: it drains the {@link EventQueue} in batches, one
 * transaction per batch with a prepared statement, prunes by retention between batches, and on
 * {@link #close} drains what is left before closing. A batch that fails (the file is locked by
 * another process, the disk is full) is kept and retried: meanwhile capture goes on into the
 * queue, which drops its oldest events if it fills.
 */
public final class JournalWriter {
    private static final String INSERT = "INSERT INTO events (site, source, event_type, severity, event_id,"
            + " aggregate_id, occurred_at, recorded_at, payload_bytes, payload, thread)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int MAX_TEXT = 512;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * How long a part-filled batch waits for more rows before it is written. Each transaction
     * costs a WAL write-out of every page it touched; at a few thousand events a second, batches of
     * whatever arrived within 5 ms meant a commit per ~15 rows, and the writer's CPU cost per call
     * of the sample service was 2/3 of the service's own (BENCHMARKS.md). Rows reach the journal
     * at most this much later; the queue-size gauge counts them as waiting until then.
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long RETENTION_INTERVAL_MILLIS = 1000;
    private static final int PRUNE_CHUNK = 5000;

    private final Path path;
    private Connection connection; // replaced after a write error other than a lock (see reopen)
    private PreparedStatement insert;
    private final EventQueue queue;
    private final AgentMetrics metrics;
    private final Consumer<String> warn;
    private final Retention retention;
    private final boolean storePayload;
    private final int payloadLimit;
    private final CapturedEvent[] batch;

    private final AtomicLong inserted = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean healthy = true;
    private Thread thread;
    private long nextRetentionMillis;

    /** Retention limits; zero means no limit of that kind. */
    public static final class Retention {
        final long maxAgeMillis;
        final long maxRows;
        final long maxBytes;

        public Retention(Duration maxAge, long maxRows) {
            this(maxAge, maxRows, 0);
        }

        public Retention(Duration maxAge, long maxRows, long maxBytes) {
            this.maxAgeMillis = maxAge.toMillis();
            this.maxRows = maxRows;
            this.maxBytes = maxBytes;
        }
    }

    private JournalWriter(Path path, Connection connection, EventQueue queue, AgentMetrics metrics,
            Consumer<String> warn, Retention retention, boolean storePayload, int payloadLimit, int batchSize)
            throws SQLException {
        this.path = path;
        this.connection = connection;
        this.queue = queue;
        this.metrics = metrics;
        this.warn = warn;
        this.retention = retention;
        this.storePayload = storePayload;
        this.payloadLimit = payloadLimit;
        this.batch = new CapturedEvent[batchSize];
        for (int i = 0; i < batchSize; i++) {
            batch[i] = new CapturedEvent();
        }
        connection.setAutoCommit(false);
        this.insert = connection.prepareStatement(INSERT);
        try (Statement statement = connection.createStatement();
                ResultSet count = statement.executeQuery("SELECT count(*) FROM events")) {
            rows.set(count.next() ? count.getLong(1) : 0);
        }
        connection.commit();
    }

    /**
     * Opens (creating it owner-only if needed) and migrates the journal at {@code file}.
     *
     * @throws SQLException or IOException with a message that names the path and the problem
     */
    public static JournalWriter open(String file, EventQueue queue, AgentMetrics metrics, Consumer<String> warn,
            Retention retention, boolean storePayload, int payloadLimit, int batchSize)
            throws SQLException, IOException {
        Path path = Paths.get(file).toAbsolutePath();
        createOwnerOnly(path);
        Connection connection = Sqlite.openForWriting(path.toString());
        try {
            JournalSchema.migrate(connection, path.toString());
            Sqlite.useWriteAheadLog(connection); // only now that the file is known to be ours
            return new JournalWriter(path, connection, queue, metrics, warn, retention, storePayload, payloadLimit,
                    batchSize);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private static void createOwnerOnly(Path path) throws IOException {
        Path parent = path.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IOException("cannot create " + path + ": directory " + parent + " does not exist");
        }
        try {
            if (parent != null && parent.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(path);
            }
        } catch (FileAlreadyExistsException existing) {
            if (!Files.isWritable(path)) {
                throw new IOException("cannot write " + path + ": permission denied");
            }
        } catch (IOException e) {
            throw new IOException("cannot create " + path + ": " + e.getMessage(), e);
        }
    }

    public void start(ThreadFactory threads) {
        thread = threads.newThread(this::run);
        thread.start();
    }

    public Path path() {
        return path;
    }

    public long inserted() {
        return inserted.get();
    }

    public long deleted() {
        return deleted.get();
    }

    public long rows() {
        return rows.get();
    }

    /** False after a write failed, until a batch succeeds again. */
    public boolean healthy() {
        return healthy;
    }

    /** Bytes on disk: the database and its write-ahead log. */
    public long sizeOnDisk() {
        return new File(path.toString()).length() + new File(path + "-wal").length();
    }

    private void run() {
        long backoffMillis = 100;
        int pending = 0;
        long lingerUntil = 0;
        while (true) {
            // Read before draining: an event queued before close() is then sure to be drained,
            // where checking after an empty drain could stop with it still in the queue.
            boolean stopping = !running;
            if (pending < batch.length) {
                int drained = queue.drainTo(batch, pending, batch.length - pending);
                if (drained > 0 && pending == 0) {
                    lingerUntil = System.nanoTime() + LINGER_NANOS;
                }
                pending += drained;
            }
            if (pending == 0) {
                if (stopping) {
                    break;
                }
                pruneIfDue();
                LockSupport.parkNanos(IDLE_PARK_NANOS);
                continue;
            }
            if (pending < batch.length && !stopping && System.nanoTime() - lingerUntil < 0) {
                LockSupport.parkNanos(IDLE_PARK_NANOS); // gather a fuller batch: commits cost more than rows
                continue;
            }
            try {
                write(pending);
                queue.written(pending);
                pending = 0;
                backoffMillis = 100;
                healthy = true;
                pruneIfDue(); // under sustained load the queue is never idle
            } catch (SQLException e) {
                rollbackQuietly();
                clearBatchQuietly();
                checkpointQuietly();
                if (!isLockConflict(e)) {
                    reopenQuietly();
                }
                metrics.journalWriteError();
                if (healthy) {
                    warn.accept("journal write to " + path + " failed, retrying (capture continues): " + e.getMessage());
                }
                healthy = false;
                if (!running && Thread.currentThread().isInterrupted()) {
                    break; // shutting down and out of time: the batch is lost
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMillis));
                backoffMillis = Math.min(backoffMillis * 2, 5000);
            }
        }
        closeQuietly();
    }

    private void write(int count) throws SQLException {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            bind(batch[i]);
            insert.addBatch();
        }
        insert.executeBatch();
        connection.commit();
        for (int i = 0; i < count; i++) {
            batch[i].clear();
        }
        inserted.addAndGet(count);
        rows.addAndGet(count);
        metrics.journalBatchWritten((System.nanoTime() - start) / 1e9);
    }

    private void bind(CapturedEvent event) throws SQLException {
        insert.setString(1, event.site);
        insert.setString(2, event.source);
        insert.setString(3, truncate(event.eventType));
        insert.setString(4, truncate(event.severity));
        insert.setString(5, text(event.eventId));
        insert.setString(6, text(event.aggregateId));
        if (event.occurredAt == CapturedEvent.NO_TIME) {
            insert.setNull(7, Types.INTEGER);
        } else {
            insert.setLong(7, event.occurredAt);
        }
        insert.setLong(8, event.recordedAt);
        if (event.payloadBytes < 0) {
            insert.setNull(9, Types.INTEGER);
        } else {
            insert.setLong(9, event.payloadBytes);
        }
        byte[] payload = storePayload ? payloadBytes(event.payload) : null;
        if (payload == null) {
            insert.setNull(10, Types.BLOB);
        } else {
            insert.setBytes(10, payload);
        }
        insert.setString(11, event.thread);
    }

    private byte[] payloadBytes(Object payload) {
        byte[] bytes;
        if (payload instanceof byte[]) {
            bytes = (byte[]) payload;
        } else if (payload instanceof CharSequence) {
            bytes = payload.toString().getBytes(StandardCharsets.UTF_8);
        } else if (payload instanceof ByteBuffer) {
            ByteBuffer buffer = ((ByteBuffer) payload).duplicate();
            bytes = new byte[Math.min(buffer.remaining(), payloadLimit)];
            buffer.get(bytes);
            return bytes;
        } else {
            return null;
        }
        if (bytes.length <= payloadLimit) {
            return bytes.clone();
        }
        byte[] capped = new byte[payloadLimit];
        System.arraycopy(bytes, 0, capped, 0, payloadLimit);
        return capped;
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return truncate(String.valueOf(value));
        } catch (RuntimeException e) {
            return null; // the application's toString() failed; the column stays empty
        }
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }

    private void pruneIfDue() {
        long now = System.currentTimeMillis();
        if (now < nextRetentionMillis) {
            return;
        }
        nextRetentionMillis = now + RETENTION_INTERVAL_MILLIS;
        try {
            if (retention.maxAgeMillis > 0) {
                pruneChunk("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE recorded_at < "
                        + (now - retention.maxAgeMillis) + " ORDER BY id LIMIT " + PRUNE_CHUNK + ")");
            }
            long excess = retention.maxRows > 0 ? rows.get() - retention.maxRows : 0;
            if (excess > 0) {
                pruneChunk("DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT "
                        + Math.min(excess, PRUNE_CHUNK) + ")");
            }
            if (retention.maxBytes > 0 && bytesInUse() > retention.maxBytes) {
                // Deleted rows free pages that later inserts reuse: the file stops growing here.
                pruneChunk("DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT "
                        + Math.max(1, Math.min(rows.get() / 20, PRUNE_CHUNK)) + ")");
            }
        } catch (SQLException e) {
            rollbackQuietly();
            metrics.journalWriteError();
        }
    }

    /** Pages holding data (not free), in bytes. */
    private long bytesInUse() throws SQLException {
        return (JournalSchema.pragma(connection, "page_count") - JournalSchema.pragma(connection, "freelist_count"))
                * (long) JournalSchema.pragma(connection, "page_size");
    }

    private void pruneChunk(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            int count = statement.executeUpdate(sql);
            connection.commit();
            if (count > 0) {
                deleted.addAndGet(count);
                rows.addAndGet(-count);
                nextRetentionMillis = 0; // more may be due: look again at the next idle moment
            }
        }
    }

    /**
     * Stops taking new batches after the queue is empty, and waits up to {@code timeout} for the
     * writer to drain and close.
     *
     * @return true when everything queued was written
     */
    public boolean close(Duration timeout) {
        running = false;
        if (thread == null) {
            closeQuietly();
            return true;
        }
        LockSupport.unpark(thread);
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            warn.accept("journal writer did not finish within " + timeout.toMillis() + " ms; "
                    + queue.size() + " queued events were not written");
            return false;
        }
        return true;
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection may be gone; the next batch will say so
        }
    }

    /**
     * After a failed write, moves the write-ahead log into the database and truncates it. When
     * the disk is full this hands back the space the log's older page copies hold (the log only
     * checkpoints itself at about 4 MB and never shrinks on its own).
     */
    private void checkpointQuietly() {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException ignored) {
            // locked by another process, or still no space: the next retry tries again
        }
    }

    /** Another process holds the journal's lock: waiting is all it takes. */
    private static boolean isLockConflict(SQLException e) {
        if (e instanceof org.sqlite.SQLiteException) {
            int primary = ((org.sqlite.SQLiteException) e).getResultCode().code & 0xff;
            return primary == 5 || primary == 6; // SQLITE_BUSY, SQLITE_LOCKED
        }
        return false;
    }

    /**
     * A connection that hit a full disk or an I/O error keeps failing after the cause is gone
     * (seen with SQLITE_FULL on a tmpfs that had room again), so the writer opens a fresh one.
     */
    private void reopenQuietly() {
        try {
            insert.close();
            connection.close();
        } catch (SQLException ignored) {
            // it is being replaced
        }
        try {
            Connection fresh = Sqlite.openForWriting(path.toString());
            Sqlite.useWriteAheadLog(fresh);
            fresh.setAutoCommit(false);
            insert = fresh.prepareStatement(INSERT);
            connection = fresh;
        } catch (SQLException e) {
            // still failing: the next retry reopens again
        }
    }

    private void clearBatchQuietly() {
        try {
            insert.clearBatch();
        } catch (SQLException ignored) {
            // nothing was kept
        }
    }

    private void closeQuietly() {
        try {
            insert.close();
            connection.close();
        } catch (SQLException e) {
            warn.accept("closing the journal " + path + ": " + e.getMessage());
        }
    }
}
