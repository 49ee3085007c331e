package io.kube9.agent.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Copies the journal's write-ahead log into the database on a thread and connection of its own,
 * so that the writer never waits for a checkpoint's {@code fsync}. With SQLite's automatic
 * checkpoints the writer ran one every ~1,000 pages inside its commit, and waited for the disk
 * there: with its queue full it was on a core 58-79% of the time, and 95-96% with this class
 * (JournalWriterThroughput).
 *
 * <p>Its checkpoints are {@code PASSIVE}: they never block the writer, and they sync the log and
 * the database as SQLite's own do ({@code synchronous=NORMAL}), so crash safety is unchanged.
 * SQLite starts the log over only when it was copied in full at the start of a write
 * transaction, which a writer that commits while each checkpoint runs may never see: past
 * {@value #RESTART_LOG_BYTES} bytes of frames (32 MiB) the writer copies the rest itself,
 * between two of its transactions ({@link #finish}), once no checkpoint is under way; that
 * bounds the log file (37-56 MB in 30 s runs at ~130,000 rows/s; it was ~4 MiB with SQLite's
 * automatic checkpoints).
 * While this connection's checkpoints fail (a full disk), the writer checkpoints after each of
 * its transactions instead, as SQLite's automatic checkpoints did.
 */
final class JournalCheckpointer {
    /** The pause between checkpoints: ~1,000 pages of log at 100,000 rows/s, as SQLite's default. */
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Log size past which the writer finishes a checkpoint. */
    static final long RESTART_LOG_BYTES = 32L << 20;

    private final Connection connection;
    private final int pageSize;
    private final Path file;
    /** {@link #RESTART_LOG_BYTES} in frames: a frame is one page (and a 24-byte header). */
    private final int restartFrames;
    /** One checkpoint at a time: the writer's would only fail with SQLITE_BUSY while this one runs. */
    private final ReentrantLock checkpointing = new ReentrantLock();
    private volatile boolean running = true;
    private volatile boolean restartDue;
    /** The thread has ended (closed, or died of something unexpected): the writer checkpoints itself. */
    private volatile boolean stopped;
    private volatile boolean commitsSinceCheckpoint;
    private Thread thread;

    /**
     * @param pageSize the journal's page size in bytes, which is the size of each frame's page
     * @param file the journal's file: a checkpoint waits while it is shorter than a page
     */
    JournalCheckpointer(Connection connection, int pageSize, Path file) {
        this.connection = connection;
        this.restartFrames = (int) (RESTART_LOG_BYTES / pageSize);
        this.pageSize = pageSize;
        this.file = file;
    }

    /**
     * A journal's file holds at least its first page from the moment it opens; shorter, it was
     * emptied under the writer ({@code : > journal.db}), and a checkpoint would copy the log's pages
     * into it, a file without the rest of its pages that no reader could open. The writer starts
     * such a file over at its next look ({@link JournalWriter}); meanwhile nothing is copied into it.
     */
    private boolean fileWhole() {
        try {
            return Files.size(file) >= pageSize;
        } catch (IOException e) {
            return true; // gone (deleted): the copy goes to the open file, which the writer lets go of
        }
    }

    /**
     * Starts the thread; where none can be started (a process at its limit of threads), the
     * writer checkpoints itself, as when the thread dies.
     */
    void start(ThreadFactory threads) {
        try {
            Thread started = threads.newThread(this::run);
            started.start();
            thread = started;
        } catch (RuntimeException | OutOfMemoryError noThread) {
            stopped = true;
            closeConnection();
        }
    }

    /** The writer committed: there is log to copy. */
    void committed() {
        if (!commitsSinceCheckpoint) {
            commitsSinceCheckpoint = true;
            LockSupport.unpark(thread);
        }
    }

    /**
     * Called by the writer between two transactions: when the log has grown past
     * {@value #RESTART_LOG_BYTES} bytes, copies the rest of it on the writer's {@code connection}, so
     * that the writer's next transaction starts the log over.
     *
     * @return whether a checkpoint ran on {@code writer} (one that fails, on a full disk, ends the
     *     transaction sqlite-jdbc keeps begun: see {@code JournalWriter#beginAgain})
     */
    boolean finish(Connection writer) {
        if ((!restartDue && !stopped) || !fileWhole() || !checkpointing.tryLock()) {
            return false; // while a checkpoint is under way, after the next transaction: it leaves less to copy
        }
        try {
            int[] result = checkpoint(writer);
            if (result != null && result[0] == 0 && result[1] == result[2]) {
                restartDue = false;
            }
            return true;
        } finally {
            checkpointing.unlock();
        }
    }

    private void run() {
        try {
            checkpointWhileRunning();
        } finally {
            // Stopped, or died of something unexpected: either way the writer finishes checkpoints
            // itself from now on, so the log stays bounded.
            stopped = true;
            closeConnection();
        }
    }

    private void checkpointWhileRunning() {
        while (running) {
            if (!commitsSinceCheckpoint) {
                LockSupport.park(this); // committed() and close() unpark
                continue;
            }
            if (!fileWhole()) {
                LockSupport.parkNanos(this, INTERVAL_NANOS); // the writer starts it over; close() unparks
                continue;
            }
            commitsSinceCheckpoint = false;
            checkpointing.lock();
            try {
                int[] result = checkpoint(connection);
                restartDue = result == null || result[1] > restartFrames;
            } finally {
                checkpointing.unlock();
            }
            LockSupport.parkNanos(this, INTERVAL_NANOS); // let the log gather; close() unparks
        }
    }

    /**
     * Returns SQLite's busy flag, frames in the log and frames copied, or null when the checkpoint
     * failed (another process's lock, a full disk: the next one tries again).
     */
    private static int[] checkpoint(Connection connection) {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            return result.next() ? new int[] {result.getInt(1), result.getInt(2), result.getInt(3)} : null;
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /** Stops after the checkpoint under way, if any, and closes the connection. */
    void close() {
        running = false;
        if (thread == null) {
            closeConnection();
            return;
        }
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // a checkpoint ends within its disk's time; the connection must close first
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeConnection() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing was pending on this connection
        }
    }
}
