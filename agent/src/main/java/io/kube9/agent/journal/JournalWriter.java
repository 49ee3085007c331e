package io.kube9.agent.journal;

import io.kube9.agent.metrics.AgentMetrics;
import io.kube9.agent.queue.CapturedEvent;
import io.kube9.agent.queue.EventQueue;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one thread that writes the journal: it drains the {@link EventQueue} in batches, one
 * transaction per batch (multi-row prepared INSERTs, then the retention that is due), prunes
 * when idle too, and on {@link #close} drains what is left before closing. A batch that fails
 * (the file is locked by another process, the disk is full) is kept and retried: meanwhile
 * capture goes on into the queue, which drops its oldest events if it fills.
 */
public final class JournalWriter {
    /**
     * Rows per INSERT statement. sqlite-jdbc's batch API runs the statement once per row, and
     * an AUTOINCREMENT table reads and writes {@code sqlite_sequence} once per statement: one
     * statement per 50 rows binds the same values with 1/50 of the statements.
     */
    private static final int ROWS_PER_STATEMENT = 50;
    private static final int MAX_TEXT = 512;
    /** Descriptors SQLite needs to open a journal: the file, its log, its shared memory, its directory. */
    private static final int DESCRIPTORS_TO_OPEN = 4;
    /** Idle parks double from the shortest to the longest: an idle service sees ~10 wake-ups a second. */
    private static final long IDLE_PARK_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long IDLE_PARK_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * While a batch gathers, the writer sleeps until it expects this many more rows (or a full
     * batch) at the rate its rows came so far, for 1 to 100 ms. A wake-up costs 20-35 us of CPU in
     * a busy service, and with a fixed 10 ms the writer woke 100 times a second at any rate; rows
     * taken a thousand or so at a time are still in a cache when the writer copies them out
     * (BENCHMARKS.md, ninth round). At most 100 ms: a burst meanwhile waits in the queue (100 ms at
     * the writer's ceiling is a tenth of a lane at the default capacity).
     */
    private static final int ROWS_PER_WAKE_UP = 1024;
    private static final long LINGER_PARK_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LINGER_PARK_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long RETENTION_INTERVAL_MILLIS = 1000;
    /** How often an idle writer looks that the journal's path still names the file it writes. */
    private static final long PATH_CHECK_INTERVAL_MILLIS = 1000;
    /** How often the writer looks at the queue's drops, and how far apart it says them at most. */
    private static final long DROP_CHECK_INTERVAL_MILLIS = 1_000;
    private static final long DROP_SAY_INTERVAL_MILLIS = 60_000;
    /** Drops are over when none came for this long: those not said yet are said then. */
    private static final long DROP_QUIET_MILLIS = 10_000;
    private static final int PRUNE_CHUNK = 5000;
    /** Retention passes at close, each of up to {@link #PRUNE_CHUNK} rows: the close has a deadline. */
    private static final int PASSES_BEFORE_CLOSE = 10;
    /**
     * How far past the row limit the journal may run, as a share of the limit, while at least a
     * full batch waits in the queue. A delete costs the writer about what an insert costs
     * (BENCHMARKS.md: 194k rows/s inserting only, 130k inserting and deleting), so while it is
     * behind it inserts only, and deletes the overrun once it has caught up.
     */
    private static final long OVERRUN_WHILE_BEHIND_DIVISOR = 10;

    private final Path path;
    /**
     * Replaced after a write error other than a lock (see {@link #reopenQuietly}), and with the
     * file when the path no longer names it ({@link #followPath}); null while no file could be
     * opened there.
     */
    private Connection connection;
    private PreparedStatement insert; // ROWS_PER_STATEMENT rows
    private PreparedStatement insertOne;
    private PreparedStatement lastInsertedId;
    /**
     * The writer's: the id of the last row its last batch inserted into the open file, or -1. The
     * ids are {@code AUTOINCREMENT}: the next batch's first is the one after, unless another
     * program inserted rows in between (a second JVM on the same journal).
     */
    private long lastId = -1;
    private static final long OTHER_WRITER_RECOUNT_MILLIS = 10_000;
    /** The writer's: another writer was said (once per file), and when the rows were last counted. */
    private boolean otherWriterSaid;
    private long otherWriterCountedMillis;
    private JournalCheckpointer checkpointer;
    private int pageSize;
    /**
     * The open file's {@code schema_version} as the agent left it: another program that makes its
     * tables in the file (the service's own database, named as the journal) changes it.
     */
    private int schemaVersion;
    /** The device and inode of the file being written, or null where the file system has none. */
    private Object fileKey;
    private long nextPathCheckMillis;
    /** When the queue's drops are next looked at ({@link #sayDrops}), and what was seen then. */
    private long nextDropCheckMillis;
    private long insertedAtDropCheck;
    /** Drops of a full queue said so far, and when last; whether the writer has looked at them yet. */
    private long dropsSaid;
    private long dropsSaidMillis;
    private boolean dropsLookedAt;
    /** The queue's drops at the last look, and when the last look found more. */
    private long droppedAtCheck;
    private long lastDropSeenMillis;
    /** Whether the journal could not be written (a failed batch, no file at its path) since the drops were last said. */
    private boolean unwritableSinceDropsSaid;
    /** Whether the drops not said yet were said as the JVM began to exit ({@link #drainAtExit} waits for it). */
    private volatile boolean exitDropsSaid;
    /** Whether a failed write has been said and its end not yet; when, and how many batches failed since. */
    private boolean writeFailureSaid;
    private long writeFailureSaidMillis;
    private int failedWrites;
    /** Whether the journal's path has been said to fail since the last file opened there. */
    private boolean pathFailureSaid;
    private ThreadFactory threads;
    private final EventQueue queue;
    private final AgentMetrics metrics;
    private final Consumer<String> warn;
    private final Retention retention;
    private final boolean storePayload;
    /**
     * Parameters per row: the payload column is a literal {@code NULL} in the statement while
     * payload capture is off (the default), so it is not bound row by row: each bind is a
     * synchronized JNI call into sqlite-jdbc.
     */
    private final int columns;
    private final int payloadLimit;
    /** The UTF-8 bytes of the texts that repeat from row to row. */
    private final Utf8Strings repeated = new Utf8Strings();
    /** The text of the ids of the rows drained and not yet committed. */
    private final TextArena ids = new TextArena();
    /**
     * The batch's rows, made as the queue's drains first reach them ({@link EventQueue#drainTo}):
     * only as many as the largest batch so far, a few hundred in a service that records a few
     * hundred events a second. Made all at once, the 5,000 of the default were 360 KB that every
     * young collection of the service's first seconds copied from survivor space to survivor space
     * until they were old, when G1 decides whether its pauses call for a larger heap
     * (BENCHMARKS.md, "The journal and G1's young pauses").
     */
    private final CapturedEvent[] batch;
    /** The batch in time order, while it is merged (see {@link #inRecordedOrder}). */
    private final CapturedEvent[] merged;
    /** Per lane of the queue, the index in the batch of its next row to merge. */
    private final int[] nextOfLane;
    /**
     * How long a part-filled batch waits for more rows before it is written
     * ({@code kube9.journal.flush-interval}). Each transaction costs a WAL write-out of every page it
     * touched: at a few thousand events a second, batches of whatever arrived within 5 ms meant a
     * commit per ~15 rows and the writer's CPU per call of the sample service was 2/3 of the
     * service's own; at 3,500 rows a second the writer spends 14.1-14.4 us of CPU and writes 1,500
     * bytes per row with 100 ms, 9.6-9.8 us and 660 bytes with 500 ms (BENCHMARKS.md, eighth
     * round). Rows reach the journal at most this much later (a {@code kill -9} loses them); the
     * queue-size gauge counts them as waiting until then.
     */
    private final long lingerNanos;

    private final AtomicLong inserted = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    /** Queries the agent runs on its journal: the row count at open, the size check of byte retention. */
    private final AtomicLong selects = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private volatile boolean running = true;
    /**
     * The JVM is exiting ({@link #drainAtExit}): every batch is written as soon as it is taken,
     * and the writer goes on until the JVM halts, for the calls the service still makes while its
     * own shutdown hooks run (a web server letting its requests in flight finish).
     */
    private volatile boolean exiting;
    /** Set by the writer once, at exit, when the queue was drained, pruned and checkpointed. */
    private volatile boolean exitSettled;
    private volatile boolean healthy = true;
    /**
     * When the writer last came round its loop (every batch, and at least every few seconds when
     * idle or waiting to retry). Behind by {@link #stallNanos}, it is stuck inside one step: an
     * id's {@code toString()} that blocks (the service's code, run here), a write to a volume that
     * hangs.
     */
    private volatile long aliveAtNanos = System.nanoTime();
    private long stallNanos = TimeUnit.SECONDS.toNanos(30);
    /** The stall under way has been said (set and read by whoever asks {@link #healthy}). */
    private final AtomicBoolean stallSaid = new AtomicBoolean();
    /** The writer's: a batch failed other than in the database, and that was said (once). */
    private boolean failedOutsideDatabase;
    /**
     * The writer's: the file it has open is damaged. Until it opens another one at the path (the
     * file moved aside, deleted or emptied: {@link #followPath}), each batch is dropped (counted)
     * unwritten, and nothing else is done to the file: no retention.
     */
    private boolean damaged;
    /** The writer's: the batch {@link #write} is writing has been committed. */
    private boolean batchCommitted;
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

    private JournalWriter(Path path, OpenedFile file, EventQueue queue, AgentMetrics metrics, Consumer<String> warn,
            Retention retention, boolean storePayload, int payloadLimit, int batchSize, Duration flushInterval)
            throws SQLException {
        this.path = path;
        this.queue = queue;
        this.metrics = metrics;
        this.warn = warn;
        this.retention = retention;
        this.storePayload = storePayload;
        this.columns = storePayload ? 11 : 10;
        this.payloadLimit = payloadLimit;
        this.batch = new CapturedEvent[batchSize];
        this.merged = new CapturedEvent[queue.lanes() > 1 ? batchSize : 0];
        this.nextOfLane = new int[queue.lanes()];
        this.lingerNanos = flushInterval.toNanos();
        adopt(file);
    }

    /** Makes {@code file} the one written from now on; it is closed if that fails. */
    private void adopt(OpenedFile file) throws SQLException {
        try {
            withoutAutomaticCheckpoints(file.connection);
            file.connection.setAutoCommit(false);
            long count;
            try (Statement statement = file.connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*) FROM events")) {
                count = result.next() ? result.getLong(1) : 0;
            }
            selects.incrementAndGet();
            int version = JournalSchema.pragma(file.connection, "schema_version");
            file.connection.commit();
            connection = file.connection;
            schemaVersion = version;
            damaged = false; // a file opened anew, at the path: the damaged one is let go of
            prepareInserts();
            rows.set(count);
        } catch (SQLException | RuntimeException e) {
            connection = null;
            closeQuietly(file.checkpointing);
            closeQuietly(file.connection);
            throw e;
        }
        checkpointer = new JournalCheckpointer(file.checkpointing, file.pageSize, path);
        pageSize = file.pageSize;
        fileKey = file.key;
    }

    /** The journal's file, migrated and in WAL mode, with the writer's and the checkpointer's connections. */
    private static final class OpenedFile {
        final Connection connection;
        final Connection checkpointing;
        final int pageSize;
        final Object key;

        OpenedFile(Connection connection, Connection checkpointing, int pageSize, Object key) {
            this.connection = connection;
            this.checkpointing = checkpointing;
            this.pageSize = pageSize;
            this.key = key;
        }
    }

    /**
     * Opens (creating it owner-only if needed) and migrates the journal at {@code file}.
     *
     * @throws SQLException or IOException with a message that names the path and the problem
     */
    public static JournalWriter open(String file, EventQueue queue, AgentMetrics metrics, Consumer<String> warn,
            Retention retention, boolean storePayload, int payloadLimit, int batchSize, Duration flushInterval)
            throws SQLException, IOException {
        Path path = Paths.get(file).toAbsolutePath();
        OpenedFile opened = openFile(path);
        try {
            return new JournalWriter(path, opened, queue, metrics, warn, retention, storePayload, payloadLimit,
                    batchSize, flushInterval);
        } catch (SQLException e) {
            throw openFailure(path, e); // closed by adopt
        }
    }

    /**
     * Opens (creating it owner-only if needed) and migrates the journal's file at {@code path}.
     *
     * @throws SQLException or IOException with a message that names the path and the problem
     */
    private static OpenedFile openFile(Path path) throws SQLException, IOException {
        refuseWhatIsNotAFile(path);
        if (openInThisProcess(path)) {
            throw new IOException("journal " + path + " is open in this JVM already (the service's own database?);"
                    + " it is not opened a second time: a second SQLite in one process releases the first one's locks"
                    + " when it closes the file");
        }
        boolean created = createOwnerOnly(path);
        Connection connection;
        try {
            connection = Sqlite.openForWriting(path.toString());
        } catch (SQLException | RuntimeException | LinkageError e) {
            if (created) { // SQLite's native library did not load, say: no empty file left behind
                deleteIfEmpty(path);
            }
            if (e instanceof SQLException) {
                throw openFailure(path, (SQLException) e);
            }
            throw e;
        }
        Connection checkpointing = null;
        try {
            JournalSchema.migrate(connection, "journal " + path);
            Sqlite.useWriteAheadLog(connection); // only now that the file is known to be ours
            checkpointing = Sqlite.openForWriting(path.toString());
            int pageSize = JournalSchema.pragma(connection, "page_size");
            return new OpenedFile(connection, checkpointing, pageSize, fileKey(path));
        } catch (SQLException e) {
            closeAll(checkpointing, connection);
            throw openFailure(path, e);
        } catch (RuntimeException e) {
            closeAll(checkpointing, connection);
            throw e;
        }
    }

    /** The device and inode {@code path} names now, or null when there is no file or the file system has none. */
    private static Object fileKey(Path path) {
        BasicFileAttributes file = attributes(path);
        return file == null ? null : file.fileKey();
    }

    private static void closeAll(Connection checkpointing, Connection connection) throws SQLException {
        if (checkpointing != null) {
            checkpointing.close();
        }
        connection.close();
    }

    /**
     * SQLite's own message names neither the file nor what is wrong with it in the user's terms
     * ({@code [SQLITE_NOTADB] File opened that is not a database file}); the schema's messages
     * already do. The original stays the cause, so that a lock is still recognised ({@link Sqlite#isLocked}).
     */
    private static SQLException openFailure(Path path, SQLException e) {
        if (!(e instanceof SQLiteException)) {
            return e;
        }
        int primary = ((SQLiteException) e).getResultCode().code & 0xff;
        if (primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
            return new SQLException("journal " + path + " is not a SQLite database", e);
        }
        if (primary == SQLiteErrorCode.SQLITE_CANTOPEN.code && outOfDescriptors()) {
            return new Sqlite.OutOfDescriptors("journal " + path + " cannot be opened: the process has no file"
                    + " descriptor to spare (Too many open files: its limit, ulimit -n, is reached)", e);
        }
        return new SQLException("journal " + path + " cannot be opened: " + e.getMessage(), e);
    }

    /**
     * Whether this process is within a few descriptors of its limit (SQLite does not say why it
     * could not open a file; it needs four at once: the file, its log, its shared memory and its
     * directory), told from Linux's {@code /proc/self}; false where that cannot be read.
     */
    private static boolean outOfDescriptors() {
        long limit = -1;
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/limits"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Max open files")) {
                    String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                    limit = "unlimited".equals(fields[0]) ? -1 : Long.parseLong(fields[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return String.valueOf(e.getMessage()).contains("Too many open files");
        }
        if (limit <= 0) {
            return false;
        }
        try (DirectoryStream<Path> open = Files.newDirectoryStream(Paths.get("/proc/self/fd"))) {
            long count = 0;
            for (Path ignored : open) {
                count++;
            }
            return count + DESCRIPTORS_TO_OPEN > limit;
        } catch (IOException | RuntimeException e) {
            return String.valueOf(e.getMessage()).contains("Too many open files");
        }
    }

    /**
     * Whether this process holds {@code path} open already, told from {@code /proc/self/fd} without
     * opening it (false where there is no such directory). The agent carries its own copy of SQLite:
     * had the service opened that file with its own, the agent's connection would not see the
     * service's locks (POSIX locks belong to the process, and each copy keeps its own table of them),
     * could take the service's open transaction for a crashed one and roll it back, and closing its
     * descriptor would release the service's locks. A service whose journal path pointed at its own
     * store lost orders in 2 of 11 runs that way.
     */
    static boolean openInThisProcess(Path path) {
        Object file;
        try {
            file = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return false; // not there (yet): nobody has it open
        }
        Path descriptors = Paths.get("/proc/self/fd");
        if (file == null || !Files.isDirectory(descriptors)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(descriptors)) {
            for (Path descriptor : entries) {
                try {
                    // follows the link: the open file's device and inode, read without opening it
                    if (file.equals(Files.readAttributes(descriptor, BasicFileAttributes.class).fileKey())) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed meanwhile, or not a file
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** Refuses, naming the problem, a path that is there and is not a file SQLite can keep a journal in. */
    private static void refuseWhatIsNotAFile(Path path) throws IOException {
        Path parent = path.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IOException("journal " + path + " cannot be created: directory " + parent + " does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new IOException("journal " + path + " is a directory, not a file");
        }
        if (Files.isSymbolicLink(path) && !Files.exists(path)) {
            // createFile would find the link there, and the link's target would then read as unwritable
            throw new IOException("journal " + path + " is a symbolic link to " + linkTarget(path)
                    + ", which does not exist");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            // SQLite takes /dev/null for an empty database it then cannot write, and waits on a pipe
            throw new IOException("journal " + path + " is not a regular file (a device, a pipe or a socket);"
                    + " the journal must be a file of its own");
        }
    }

    /** @return whether the file was made here (false: it was there already) */
    private static boolean createOwnerOnly(Path path) throws IOException {
        Path parent = path.getParent();
        try {
            if (parent != null && parent.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(path);
            }
            return true;
        } catch (FileAlreadyExistsException existing) {
            // Opened for writing (neither created nor truncated) to learn why not, where it cannot
            // be: a read-only file system is not a permission (Files.isWritable says false for both).
            try (FileChannel writable = FileChannel.open(path, StandardOpenOption.WRITE)) {
                return false;
            } catch (IOException e) {
                throw new IOException("journal " + path + " cannot be written: " + reason(e), e);
            }
        } catch (IOException e) {
            throw new IOException("journal " + path + " cannot be created: " + reason(e), e);
        }
    }

    private static void deleteIfEmpty(Path path) {
        try {
            if (Files.size(path) == 0) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // left as it is: the next start finds an empty file and makes it the journal
        }
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "a path that cannot be read";
        }
    }

    /** What the system said, without the path a {@link FileSystemException}'s message repeats. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            return ((FileSystemException) e).getReason();
        }
        return e instanceof FileSystemException ? e.getClass().getSimpleName() : e.getMessage();
    }

    public void start(ThreadFactory threads) {
        this.threads = threads;
        checkpointer.start(threads);
        thread = threads.newThread(this::run);
        thread.start();
    }

    /**
     * Lets go of a journal whose threads could not all be started (a process at its limit of
     * threads): its file is closed, and nothing was written.
     */
    public void abandon() {
        running = false;
        letGoOfFile();
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

    /**
     * SELECT statements the agent ran on the journal: the row count when it opened, and the size
     * check of byte retention after each batch and once a second while idle. The agent serves no
     * queries (the command line reads the file from its own process), so these are all there are.
     */
    public long selects() {
        return selects.get();
    }

    public long rows() {
        return rows.get();
    }

    /** False after a write failed, until a batch succeeds again. */
    public boolean healthy() {
        return healthy && !stalled();
    }

    /** How long the writer may stay inside one step before it counts as stuck (tests). */
    void stallAfter(Duration after) {
        stallNanos = after.toNanos();
    }

    /**
     * Whether the writer has been inside one step for {@link #stallNanos} or more; said once per
     * stall, with where it is (the first frame outside the JDK, SQLite's driver and the agent).
     */
    private boolean stalled() {
        Thread writer = thread;
        long stuckNanos = System.nanoTime() - aliveAtNanos;
        if (writer == null || !writer.isAlive() || stuckNanos < stallNanos) {
            stallSaid.set(false);
            return false;
        }
        if (stallSaid.compareAndSet(false, true)) {
            warn.accept("journal writer has been inside one step for " + TimeUnit.NANOSECONDS.toSeconds(stuckNanos)
                    + " s" + where(writer) + ": events wait in the queue (its oldest dropped when full) until it"
                    + " comes back");
        }
        return true;
    }

    /**
     * " (in com.acme.OrderId.toString, the service's code)": the innermost frame outside the JDK and
     * SQLite's driver, or "".
     */
    private static String where(Thread writer) {
        try {
            for (StackTraceElement frame : writer.getStackTrace()) {
                String type = frame.getClassName();
                if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")
                        && !type.startsWith("org.sqlite.")) {
                    return " (in " + type + "." + frame.getMethodName()
                            + (type.startsWith("io.kube9.agent.") ? ")" : ", the service's code)");
                }
            }
            return "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Bytes on disk: the database and its write-ahead log. */
    public long sizeOnDisk() {
        return new File(path.toString()).length() + new File(path + "-wal").length();
    }

    /**
     * Says on stderr that a full queue dropped events: at once the first time, then at most
     * {@value #DROP_SAY_INTERVAL_MILLIS} ms apart while it goes on, and, for those not said yet,
     * once it has stopped ({@value #DROP_QUIET_MILLIS} ms without a drop, and half that interval
     * after the last line) and at exit or close: an SRE who finds fewer rows than the service made should not
     * need to know the metric first, nor find only the first few of them said. Each line puts the
     * drops down to the journal not being written, where it was not since the last line, else to
     * the writer's pace. Written here, on the writer's thread: a producer that drops never waits
     * for stderr.
     *
     * @param lastWords null while the writer goes on; else how the last line ends (at exit, at
     *     close), said whatever the interval
     */
    private void sayDrops(long nowMillis, String lastWords) {
        boolean closing = lastWords != null;
        long inserted = inserted();
        long dropped = queue.droppedWhenFull();
        if (!dropsLookedAt) { // the first look, as the writer starts: what the journal's open cost
            dropsLookedAt = true;
            nextDropCheckMillis = nowMillis + DROP_CHECK_INTERVAL_MILLIS;
            insertedAtDropCheck = inserted;
            droppedAtCheck = dropped;
            if (dropped > 0) {
                warn.accept("the queue was full before the journal could be written: " + dropped + " events dropped,"
                        + " oldest first (counted in kube9_events_dropped_total)");
                dropsSaid = dropped;
            }
            return;
        }
        long rowsPerSecond = (inserted - insertedAtDropCheck) * 1000L
                / Math.max(1, nowMillis - (nextDropCheckMillis - DROP_CHECK_INTERVAL_MILLIS));
        nextDropCheckMillis = nowMillis + DROP_CHECK_INTERVAL_MILLIS;
        insertedAtDropCheck = inserted;
        if (dropped > droppedAtCheck) {
            lastDropSeenMillis = nowMillis;
        }
        droppedAtCheck = dropped;
        if (dropped <= dropsSaid) {
            unwritableSinceDropsSaid = !healthy; // trouble that dropped nothing is not what later drops are for
            return;
        }
        boolean stillDropping = nowMillis - lastDropSeenMillis < DROP_QUIET_MILLIS;
        long sinceSaid = dropsSaidMillis == 0 ? Long.MAX_VALUE : nowMillis - dropsSaidMillis;
        // bursts a little more than the quiet time apart would otherwise each end in a line
        if (!closing && sinceSaid < (stillDropping ? DROP_SAY_INTERVAL_MILLIS : DROP_SAY_INTERVAL_MILLIS / 2)) {
            return;
        }
        String since = dropsSaidMillis == 0 ? "" : " in the last " + (nowMillis - dropsSaidMillis) / 1000 + " s";
        // A write that fails says so before a drop can be put down to it: the writer looks at the
        // drops only between its attempts, and the first of a failing run is said as it fails.
        String why;
        if (unwritableSinceDropsSaid || !healthy) {
            why = "the journal could not be written meanwhile (see the lines above)";
        } else if (!stillDropping || closing) {
            why = "the service captured events faster than the journal wrote them"; // this second says nothing of that
        } else {
            // none in the last second: a burst larger than the queue came while the writer waited for work
            why = "the service captures events faster than the journal writes them (it wrote " + rowsPerSecond
                    + " rows in the last second)";
        }
        String after = closing ? lastWords
                : stillDropping ? ". Said at most once a minute while it lasts"
                        : "; none in the last " + (nowMillis - lastDropSeenMillis) / 1000 + " s";
        warn.accept("the queue was full: " + (dropped - dropsSaid) + " events dropped" + since + ", oldest first ("
                + dropped + " in all, counted in kube9_events_dropped_total); " + why + after);
        dropsSaid = dropped;
        dropsSaidMillis = nowMillis;
        unwritableSinceDropsSaid = !healthy;
    }

    private void run() {
        long backoffMillis = 100;
        int pending = 0;
        long lingerUntil = 0;
        long gatheringSince = 0;
        long idlePark = IDLE_PARK_MIN_NANOS;
        while (true) {
            aliveAtNanos = System.nanoTime();
            // Read before draining: an event queued before close() is then sure to be drained,
            // where checking after an empty drain could stop with it still in the queue.
            boolean stopping = !running;
            if (pending < batch.length) {
                int drained = queue.drainTo(batch, pending, batch.length - pending);
                for (int i = pending; i < pending + drained; i++) {
                    letGoOfApplicationObjects(batch[i]);
                }
                if (drained > 0 && pending == 0) {
                    gatheringSince = System.nanoTime();
                    lingerUntil = gatheringSince + lingerNanos;
                }
                pending += drained;
            }
            long nowMillis = System.currentTimeMillis();
            if (exiting && !exitDropsSaid) {
                // the JVM waits for the writer's end only as long as its own work takes, not for this
                if (dropsLookedAt) {
                    sayDrops(nowMillis, ", said as the JVM exits");
                }
                exitDropsSaid = true;
            } else if (nowMillis >= nextDropCheckMillis) {
                sayDrops(nowMillis, null);
            }
            if (pending == 0) {
                if (stopping) {
                    break;
                }
                if (exiting) {
                    if (!exitSettled) {
                        // As a close would: retention's limits hold in the file the service leaves, and
                        // the log is copied in (what the service still records goes into a new one).
                        if (connection != null && !damaged) {
                            pruneBeforeClose();
                            checkpointQuietly();
                        }
                        exitSettled = true;
                    }
                    idlePark = IDLE_PARK_MIN_NANOS; // what comes now comes from the service's last moments
                }
                if (System.currentTimeMillis() >= nextPathCheckMillis) {
                    if (followPath() && !damaged) {
                        pruneWhenIdle();
                    } else {
                        healthy = false;
                    }
                }
                LockSupport.parkNanos(idlePark); // close() unparks
                idlePark = Math.min(idlePark * 2, IDLE_PARK_MAX_NANOS);
                continue;
            }
            idlePark = IDLE_PARK_MIN_NANOS;
            long now = System.nanoTime();
            long lingering = lingerUntil - now;
            if (pending < batch.length && !stopping && !exiting && lingering > 0) {
                // gather a fuller batch: commits cost more than rows
                LockSupport.parkNanos(lingerPark(pending, now - gatheringSince, lingering));
                continue;
            }
            if (!followPath()) {
                healthy = false;
                unwritableSinceDropsSaid = true;
                if (stopping || exiting) {
                    dropAtExit(pending); // nowhere to write them
                    pending = 0;
                    if (stopping) {
                        break;
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PATH_CHECK_INTERVAL_MILLIS)); // close() unparks
                continue;
            }
            if (damaged) {
                healthy = false;
                discard(pending); // counted as dropped: retrying cannot mend the file
                pending = 0;
                continue;
            }
            List<String> foreign = foreignTables();
            if (!foreign.isEmpty()) {
                warn.accept("journal " + path + " was changed by another program: it now holds tables that are not"
                        + " the agent's (" + String.join(", ", foreign) + "; the service's own database, named as the"
                        + " journal?). The agent lets go of it, keeps the events in its queue, and opens the path"
                        + " again once it is a journal of its own; give kube9.journal.path a file of its own");
                healthy = false;
                letGoOfFile();
                continue;
            }
            try {
                write(pending);
                queue.written(pending);
                pending = 0;
                backoffMillis = 100;
                healthy = true;
                if (writeFailureSaid) {
                    writeFailureSaid = false;
                    warn.accept("journal " + path + " written again, after " + failedWrites + " failed "
                            + (failedWrites == 1 ? "attempt" : "attempts") + " in "
                            + (System.currentTimeMillis() - writeFailureSaidMillis) / 1000 + " s");
                }
            } catch (SQLException e) {
                metrics.journalWriteError();
                unwritableSinceDropsSaid = true;
                if (Sqlite.isDamaged(e)) {
                    warn.accept("journal " + path + " is damaged (" + e.getMessage() + "): journal disabled, metrics"
                            + " continue; move the file aside, and the agent starts a new journal at that path");
                    damaged = true;
                    healthy = false;
                    rollbackQuietly();
                    discard(pending);
                    pending = 0;
                    continue;
                }
                if (!writeFailureSaid) {
                    warn.accept("journal write to " + path + " failed, retrying (capture continues): " + e.getMessage());
                    writeFailureSaid = true;
                    writeFailureSaidMillis = System.currentTimeMillis();
                    failedWrites = 0;
                }
                failedWrites++;
                healthy = false;
                rollbackQuietly();
                checkpointQuietly();
                if (!Sqlite.isLocked(e)) {
                    reopenQuietly();
                }
                if (!running && Thread.currentThread().isInterrupted()) {
                    break; // shutting down and out of time: the batch is lost
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMillis));
                backoffMillis = Math.min(backoffMillis * 2, 5000);
            } catch (RuntimeException | Error e) {
                // Not the database's: the agent's own fault, or the JVM out of memory. The same batch
                // would fail again; the writer must not end (every event after would be lost uncounted).
                metrics.journalWriteError();
                if (batchCommitted) { // failed after its commit: the rows are in the journal, counted
                    clearRows(pending);
                    queue.written(pending);
                    pending = 0;
                    continue;
                }
                if (!failedOutsideDatabase) {
                    warn.accept("journal writer failed on a batch of " + pending + " events, which are dropped and"
                            + " counted in kube9_events_dropped_total (writing goes on): " + e);
                    failedOutsideDatabase = true;
                }
                rollbackQuietly();
                discard(pending);
                pending = 0;
            }
        }
        if (dropsLookedAt) {
            sayDrops(System.currentTimeMillis(), ", as the journal closes");
        }
        if (connection != null) {
            if (!damaged) {
                pruneBeforeClose();
            }
            checkpointer.close(); // first: the last connection to close copies the rest of the log and removes it
            closeQuietly();
        }
    }

    /**
     * Whether a file is open to write at the journal's path, looked at before each batch (one
     * {@code stat}, a few microseconds against the batch's milliseconds) and once a second while idle.
     * When the path no longer names the file the writer has open (deleted, or moved away and maybe
     * replaced), the writer closes that file and opens the journal at the path again: writing on into
     * a deleted file would keep its disk space taken and its rows out of every reader's sight for as
     * long as the service runs. The old file is closed first: SQLite removes its write-ahead log and
     * shared memory files by name as the last connection closes, and would remove the new file's. A
     * file emptied in place ({@code : > journal.db}) is started over: the writer's log held the pages
     * the file no longer has, and writing on wrote a file that no reader could open.
     *
     * @return false while no file could be opened there (tried again a second later)
     */
    private boolean followPath() {
        long now = System.currentTimeMillis();
        if (connection == null && now < nextPathCheckMillis) {
            return false; // the last attempt to open it again was less than a second ago
        }
        nextPathCheckMillis = now + PATH_CHECK_INTERVAL_MILLIS;
        if (connection != null) {
            BasicFileAttributes file = attributes(path);
            boolean same = isOpenFile(file);
            if (same && file.size() >= pageSize) {
                return true; // a journal's file holds at least its first page from the moment it opens
            }
            letGoOfFile();
            if (same) {
                startOver();
                warn.accept("journal " + path + " was emptied while the agent wrote it; the journal starts again"
                        + " there");
            } else {
                warn.accept("journal " + path + " is no longer the file the agent opened (deleted or moved away);"
                        + " the journal starts again at that path");
            }
        }
        if (!reopen()) {
            return false;
        }
        healthy = true; // as a journal just opened: until a write fails
        return true;
    }

    /** Whether {@code file} (the path's attributes, or null) is the file open, as far as the file system tells. */
    private boolean isOpenFile(BasicFileAttributes file) {
        return file != null && (fileKey == null || fileKey.equals(file.fileKey()));
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Empties the journal's file again, and removes its log and shared memory: closing, SQLite
     * copied its log into the emptied file, and a log left beside an empty file would be replayed
     * into it as the journal opens again.
     */
    private void startOver() {
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE)) {
            file.truncate(0);
            Files.deleteIfExists(Paths.get(path + "-wal"));
            Files.deleteIfExists(Paths.get(path + "-shm"));
        } catch (IOException e) {
            // opening it again says what is wrong with it
        }
    }

    /**
     * How long to sleep while a batch of {@code pending} rows gathers: until {@link
     * #ROWS_PER_WAKE_UP} more (or the rest of the batch) are expected at the rate they came in the
     * {@code gathering} nanoseconds since the first, no longer than the batch may still wait, and
     * within {@link #LINGER_PARK_MIN_NANOS} and {@link #LINGER_PARK_MAX_NANOS}.
     */
    private long lingerPark(int pending, long gathering, long lingering) {
        int rows = Math.min(batch.length - pending, ROWS_PER_WAKE_UP);
        double expected = (double) rows * Math.max(gathering, 1) / pending;
        long park = (long) Math.min(expected, Math.min(lingering, LINGER_PARK_MAX_NANOS));
        return Math.max(park, LINGER_PARK_MIN_NANOS);
    }

    /**
     * Inserts the batch and, in the same transaction, whatever retention is due: under
     * sustained load the queue never runs dry, and pages that both touch (the freelist, the
     * tree's inner pages) are written to the WAL once instead of twice.
     */
    private void write(int count) throws SQLException {
        long start = System.nanoTime();
        batchCommitted = false;
        inRecordedOrder(count);
        int row = 0;
        for (; count - row >= ROWS_PER_STATEMENT; row += ROWS_PER_STATEMENT) {
            for (int i = 0; i < ROWS_PER_STATEMENT; i++) {
                bind(insert, i * columns, batch[row + i]);
            }
            insert.executeUpdate();
        }
        for (; row < count; row++) {
            bind(insertOne, 0, batch[row]);
            insertOne.executeUpdate();
        }
        long last = lastInsertedId();
        if (lastId >= 0 && last - count != lastId) {
            anotherWriter(lastId + 1, last - count, count);
        }
        long pruned = prune(System.currentTimeMillis(), count);
        connection.commit();
        batchCommitted = true;
        lastId = last; // only now: a batch rolled back gives its ids to the next
        inserted.addAndGet(count);
        rows.addAndGet(count - pruned);
        deleted.addAndGet(pruned);
        checkpointed();
        clearRows(count);
        metrics.journalBatchWritten((System.nanoTime() - start) / 1e9);
    }

    /**
     * The tables another program made in the open file since the agent opened it, or none. Looked
     * for only when the file's {@code schema_version} changed: one {@code PRAGMA} (the database's
     * header) a batch, in the transaction the batch then writes in. A view or an {@code ANALYZE}
     * of someone reading the journal changes it too, and is let be.
     */
    private List<String> foreignTables() {
        try {
            int version = JournalSchema.pragma(connection, "schema_version");
            if (version == schemaVersion) {
                return List.of();
            }
            List<String> foreign = JournalSchema.foreignTables(connection);
            if (foreign.isEmpty()) {
                schemaVersion = version;
            }
            return foreign;
        } catch (SQLException e) {
            beginAgain(); // SQLite may have rolled back the transaction itself (a full disk, an I/O error)
            return List.of(); // the batch's write says what is wrong
        }
    }

    /**
     * The JVM exits and no journal can be opened at the path: the batch and what is still queued
     * are dropped and counted, so that every event captured is still written or counted, and said.
     */
    private void dropAtExit(int pending) {
        discard(pending);
        long dropped = pending;
        for (int drained; (drained = queue.drainTo(batch, 0, batch.length)) > 0; ) {
            discard(drained);
            dropped += drained;
        }
        if (dropped > 0) {
            warn.accept("no journal could be opened at " + path + " as the JVM exits; " + dropped + " queued events"
                    + " were not written (counted in kube9_events_dropped_total)");
        }
    }

    private long lastInsertedId() throws SQLException {
        try (ResultSet result = lastInsertedId.executeQuery()) {
            return result.next() ? result.getLong(1) : -1;
        }
    }

    /**
     * Rows {@code first} to {@code last} came between two of this writer's batches: another
     * program writes the journal too (a second JVM given the same path, a volume shared by
     * replicas). Said once; and the rows are counted again (at most every ten seconds, one query)
     * so that the row limit holds for the file, not only for this writer's own rows.
     */
    private void anotherWriter(long first, long last, int added) throws SQLException {
        if (!otherWriterSaid) {
            otherWriterSaid = true;
            warn.accept("journal " + path + " is written by another program too (rows " + first + " to " + last
                    + " came between two of this agent's batches): give each JVM a journal of its own"
                    + " (kube9.journal.path); the agent goes on writing it");
        }
        long now = System.currentTimeMillis();
        if (now - otherWriterCountedMillis >= OTHER_WRITER_RECOUNT_MILLIS) {
            otherWriterCountedMillis = now;
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*) FROM events")) {
                if (result.next()) {
                    rows.set(result.getLong(1) - added); // as prune reads it: the rows before this batch
                }
            }
            selects.incrementAndGet();
        }
    }

    /** Lets go of the batch's first {@code count} rows unwritten, counted as dropped. */
    private void discard(int count) {
        clearRows(count);
        queue.discarded(count);
    }

    private void clearRows(int count) {
        for (int i = 0; i < count; i++) {
            batch[i].clear();
        }
        ids.clear();
    }

    /**
     * Puts the batch in the order its events were recorded, so that ids follow time. A lane's
     * events are in order already, but a drain takes the lanes one after the other: the rows of
     * two threads that recorded at the same moment sit apart in the batch. Merged by {@code
     * recorded_at}, the lowest lane first on a tie, each lane's order kept as it is: an event may
     * carry a time of its own ahead of the clock, and a sort by time would put its thread's next
     * event before it.
     */
    private void inRecordedOrder(int count) {
        if (nextOfLane.length == 1 || count < 2) {
            return;
        }
        boolean ordered = true;
        for (int i = 1; i < count && ordered; i++) {
            ordered = batch[i].recordedAt >= batch[i - 1].recordedAt;
        }
        if (ordered) {
            return;
        }
        Arrays.fill(nextOfLane, count);
        for (int i = count - 1; i >= 0; i--) {
            nextOfLane[batch[i].lane] = i;
        }
        for (int out = 0; out < count; out++) {
            int pick = -1;
            for (int lane = 0; lane < nextOfLane.length; lane++) {
                int at = nextOfLane[lane];
                if (at < count && (pick < 0 || batch[at].recordedAt < batch[nextOfLane[pick]].recordedAt)) {
                    pick = lane;
                }
            }
            int at = nextOfLane[pick];
            merged[out] = batch[at];
            int next = at + 1;
            while (next < count && batch[next].lane != pick) {
                next++;
            }
            nextOfLane[pick] = next;
        }
        System.arraycopy(merged, 0, batch, 0, count);
    }

    /**
     * Hands the log to the checkpointer, and finishes a checkpoint here, between two transactions,
     * when the log has grown too long (see {@link JournalCheckpointer}).
     */
    private void checkpointed() {
        checkpointer.committed();
        if (checkpointer.finish(connection)) {
            beginAgain();
        }
    }

    /**
     * Makes sure the writer's connection is in a transaction again after a statement that may
     * have ended it. sqlite-jdbc keeps one begun between commits, so that each batch is one
     * transaction; but SQLite rolls a transaction back itself when a write or a checkpoint fails
     * on a full disk or an I/O error, and sqlite-jdbc does not know: a checkpoint that failed so
     * left the writer's next batches with each statement committed on its own, and a batch that
     * failed half way was written again in part when retried (the storage trial: 1,303 rows twice).
     * Begun where none is; refused (and nothing done) where one is.
     */
    private void beginAgain() {
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN");
        } catch (SQLException | RuntimeException inOneAlready) {
            // the usual case: "cannot start a transaction within a transaction"
        }
    }

    /** The checkpointer copies the log (see {@link JournalCheckpointer}); the writer only appends to it. */
    private static void withoutAutomaticCheckpoints(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA wal_autocheckpoint = 0");
        }
    }

    private void bind(PreparedStatement insert, int at, CapturedEvent event) throws SQLException {
        bindRepeated(insert, at + 1, event.site);
        bindRepeated(insert, at + 2, event.source);
        bindRepeated(insert, at + 3, truncate(event.eventType));
        bindRepeated(insert, at + 4, truncate(event.severity));
        bindId(insert, at + 5, event.eventIdStart, event.eventIdLength);
        bindId(insert, at + 6, event.aggregateIdStart, event.aggregateIdLength);
        if (event.occurredAt == CapturedEvent.NO_TIME) {
            insert.setNull(at + 7, Types.INTEGER);
        } else {
            insert.setLong(at + 7, event.occurredAt);
        }
        insert.setLong(at + 8, event.recordedAt);
        if (event.payloadBytes < 0) {
            insert.setNull(at + 9, Types.INTEGER);
        } else {
            insert.setLong(at + 9, event.payloadBytes);
        }
        if (!storePayload) {
            bindRepeated(insert, at + 10, withoutQuery(event.thread));
            return;
        }
        byte[] payload = (byte[]) event.payload; // made when it was drained
        if (payload == null) {
            insert.setNull(at + 10, Types.BLOB);
        } else {
            insert.setBytes(at + 10, payload);
        }
        bindRepeated(insert, at + 11, withoutQuery(event.thread));
    }

    /**
     * A thread's name without the query of the request it names: Jetty (Dropwizard) renames its
     * threads for each request, {@code dw-44 - POST /orders/o-1/events?token=...}, and a query
     * may carry what a journal must not keep. Cut at a {@code ?} that follows a {@code /}; cut on
     * the writer's thread, so the application's pays nothing for it.
     */
    static String withoutQuery(String thread) {
        if (thread == null) {
            return null;
        }
        int query = thread.indexOf('?');
        return query > 0 && thread.lastIndexOf('/', query) >= 0 ? thread.substring(0, query) : thread;
    }

    /**
     * Binds a text that repeats from row to row as its UTF-8 bytes, encoded once ({@link
     * Utf8Strings}); the statement casts them to text. A long one is bound as a string (the cast
     * leaves text as it is).
     */
    private void bindRepeated(PreparedStatement insert, int index, String text) throws SQLException {
        byte[] utf8 = repeated.of(text);
        if (utf8 != null) {
            insert.setBytes(index, utf8);
        } else {
            insert.setString(index, text);
        }
    }

    /**
     * A payload's bytes, capped. The capture copies a service's bytes, buffers and text other than
     * a {@code String} as the call returns, so a {@code byte[]} here is the agent's own copy.
     */
    private byte[] payloadBytes(Object payload) {
        byte[] bytes;
        if (payload instanceof byte[]) {
            bytes = (byte[]) payload;
            if (bytes.length <= payloadLimit) {
                return bytes;
            }
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
            return bytes; // its encoding's own
        }
        byte[] capped = new byte[payloadLimit];
        System.arraycopy(bytes, 0, capped, 0, payloadLimit);
        return capped;
    }

    /**
     * Copies what the row needs of the application's objects, its ids' text and (when payloads are
     * stored) the payload's bytes, as it is drained, and lets go of them: see {@link TextArena}.
     */
    private void letGoOfApplicationObjects(CapturedEvent row) {
        String eventId = text(row.eventId);
        row.eventIdLength = eventId == null ? -1 : Math.min(eventId.length(), MAX_TEXT);
        row.eventIdStart = eventId == null ? 0 : ids.add(eventId, MAX_TEXT);
        String aggregateId = text(row.aggregateId);
        row.aggregateIdLength = aggregateId == null ? -1 : Math.min(aggregateId.length(), MAX_TEXT);
        row.aggregateIdStart = aggregateId == null ? 0 : ids.add(aggregateId, MAX_TEXT);
        row.eventId = null;
        row.aggregateId = null;
        row.payload = storePayload ? payloadBytesOrNull(row.payload) : null;
    }

    /** The payload's bytes, or null when it has none we can read or reading them failed. */
    private byte[] payloadBytesOrNull(Object payload) {
        try {
            return payloadBytes(payload);
        } catch (Throwable t) { // the application's code, whatever it throws (see text)
            // the application's CharSequence or buffer failed (or changed as it was read): no payload
            metrics.accessorError();
            return null;
        }
    }

    /** An id's text, copied into {@link #ids}, as UTF-8 that the statement casts to text. */
    private void bindId(PreparedStatement insert, int index, int start, int length) throws SQLException {
        if (length < 0) {
            insert.setNull(index, Types.VARCHAR);
        } else {
            insert.setBytes(index, ids.utf8(start, length));
        }
    }

    /**
     * An id's text: its {@code toString()}, which is the application's code and may throw anything.
     * A {@code StackOverflowError} is the usual one (a generated {@code toString()} of objects that
     * refer to each other); let through, it ended the writer and every event after it was lost.
     */
    private String text(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return String.valueOf(value);
        } catch (Throwable t) {
            metrics.accessorError(); // the column stays empty, as for an accessor that throws
            return null;
        }
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }

    /**
     * Deletes what retention says is due, in the caller's transaction; returns how many rows.
     * The row limit is checked on every batch (it is a counter), so it holds under sustained
     * load too: each batch deletes about as many old rows as it adds. While a full batch or more
     * waits in the queue, the limit may be overrun by up to a tenth: the writer then catches up
     * at its insert-only rate instead of dropping events, and deletes the overrun afterwards
     * (idle or not). Age is looked at once a second, or on every batch while it still finds
     * rows; size on every batch (one query), so that the last batches before a close are counted.
     */
    private long prune(long now, int added) throws SQLException {
        long pruned = 0;
        boolean overrunLeft = false;
        long excess = retention.maxRows > 0 ? rows.get() + added - retention.maxRows : 0;
        boolean behind = queue.size() - added >= batch.length; // this batch still counts as waiting
        if (excess > 0 && !(behind && excess <= retention.maxRows / OVERRUN_WHILE_BEHIND_DIVISOR)) {
            // At least what this batch added, at most a chunk: a lowered limit is reached in steps.
            pruned += deleteOldest(Math.min(excess, Math.max(added, PRUNE_CHUNK)));
            overrunLeft = pruned < excess && !behind;
        }
        if (now >= nextRetentionMillis) {
            nextRetentionMillis = now + RETENTION_INTERVAL_MILLIS;
            if (retention.maxAgeMillis > 0) {
                // Through the recorded_at index: ordered by id, SQLite scanned the whole table.
                long old = delete("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE recorded_at < "
                        + (now - retention.maxAgeMillis) + " ORDER BY recorded_at LIMIT " + PRUNE_CHUNK + ")");
                pruned += old;
                overrunLeft |= old > 0; // more may be due
            }
        }
        long inUse = retention.maxBytes > 0 ? bytesInUse() : 0;
        if (inUse > retention.maxBytes) {
            // Deleted rows free pages that later inserts reuse: the file stops growing here. The
            // rows' share of the excess, and at least a twentieth: a row or two would rarely free a page.
            long left = rows.get() + added - pruned;
            long excessRows = (long) Math.ceil(left * (double) (inUse - retention.maxBytes) / inUse);
            long more = deleteOldest(Math.max(1, Math.min(Math.max(excessRows, left / 20), PRUNE_CHUNK)));
            pruned += more;
            overrunLeft |= more > 0; // more may be due
        }
        if (overrunLeft) {
            nextRetentionMillis = 0; // look again at the next batch, or when idle
        }
        return pruned;
    }

    /** Retention while no events arrive (rows of a day ago still age out of an idle service's journal). */
    private void pruneWhenIdle() {
        if (System.currentTimeMillis() >= nextRetentionMillis) {
            pruneNow();
        }
    }

    /**
     * The last batches before a close may have been written past a limit, the overrun of a writer
     * that was behind among them: the journal is left within its limits, in a few passes at most.
     */
    private void pruneBeforeClose() {
        for (int pass = 0; pass < PASSES_BEFORE_CLOSE && !Thread.currentThread().isInterrupted(); pass++) {
            nextRetentionMillis = 0;
            if (pruneNow() <= 0) {
                return;
            }
        }
    }

    /** @return rows deleted, or -1 when the transaction failed */
    private long pruneNow() {
        try {
            long pruned = prune(System.currentTimeMillis(), 0);
            connection.commit();
            checkpointed();
            rows.addAndGet(-pruned);
            deleted.addAndGet(pruned);
            return pruned;
        } catch (SQLException e) {
            rollbackQuietly();
            metrics.journalWriteError();
            return -1;
        }
    }

    /**
     * Up to {@code count} of the oldest rows (fewer where age pruning left gaps in the ids; the
     * row limit then takes the rest with the next batch). A range of ids: an {@code IN (SELECT
     * ... LIMIT)} list was first built as a temporary b-tree, then probed row by row.
     */
    private long deleteOldest(long count) throws SQLException {
        return delete("DELETE FROM events WHERE id < (SELECT min(id) FROM events) + " + count);
    }

    /** Pages holding data (not free), in bytes. */
    private long bytesInUse() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet pages = statement.executeQuery("SELECT (SELECT page_count FROM pragma_page_count())"
                        + " - (SELECT freelist_count FROM pragma_freelist_count())")) {
            selects.incrementAndGet();
            return pages.next() ? pages.getLong(1) * pageSize : 0;
        }
    }

    private long delete(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }

    /**
     * At JVM exit: writes what is queued without waiting to gather batches, and waits up to {@code
     * timeout} for the queue to be empty. The journal stays open and the writer goes on writing
     * what the service still records while the other shutdown hooks run (Spring Boot lets requests
     * in flight finish after SIGTERM: closed here, their events were neither written nor counted);
     * the JVM's halt ends it. A transaction cut short by the halt is rolled back when the journal
     * is next opened, as after {@code kill -9}.
     *
     * @return true when the queue was empty within the timeout
     */
    public boolean drainAtExit(Duration timeout) {
        exiting = true;
        if (thread == null) {
            return queue.size() == 0;
        }
        LockSupport.unpark(thread);
        // What is queued now: a service still busy on other threads keeps the queue from ever being
        // empty, and exit must not wait for its new events (they are written as they come).
        long backlog = queue.size();
        long doneBefore = inserted() + queue.dropped();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean done = false;
        while (thread.isAlive() && System.nanoTime() - deadline < 0) {
            boolean backlogWritten = inserted() + queue.dropped() - doneBefore >= backlog;
            // the last drop line is waited for only where there are drops to say
            boolean dropsSaidOrNone = exitDropsSaid || queue.droppedWhenFull() == 0;
            if (backlogWritten && dropsSaidOrNone && (exitSettled || queue.size() > 0)) {
                done = true; // settled (pruned, checkpointed), or busy with what the service records now
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        long left = backlog - (inserted() + queue.dropped() - doneBefore);
        if (left > 0 && queue.size() > 0 && !timeout.isZero()) {
            warn.accept("journal writer did not write the queue within " + timeout.toMillis() + " ms at exit; "
                    + left + " queued events may not be written");
            return false;
        }
        if (!done && left <= 0 && !exitSettled && thread.isAlive() && !timeout.isZero()) {
            // Every event is written; what took the time was the file's upkeep (on a busy machine, a
            // log of tens of MB to copy in). Said, so that a slow exit has its reason.
            warn.accept("journal " + path + " holds every event, but its upkeep at exit (pruning to the retention"
                    + " limits, copying the write-ahead log in) did not finish within " + timeout.toMillis() + " ms ("
                    + "kube9.journal.shutdown-timeout); the JVM exits without waiting longer, and the next"
                    + " start finishes it");
        }
        return true;
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
            checkpointer.close();
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
            // SQLite rolled it back itself (a full disk), and sqlite-jdbc began no new one; or the
            // connection is gone, and the next batch will say so
            beginAgain();
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
        beginAgain();
    }

    /**
     * A connection that hit a full disk or an I/O error keeps failing after the cause is gone
     * (seen with SQLITE_FULL on a tmpfs that had room again), and a file emptied under it fails as
     * corrupt for good: the writer opens the journal again, as at start (an emptied file started over,
     * see {@link #followPath}). While it cannot, {@link #followPath} tries again every second.
     */
    private void reopenQuietly() {
        BasicFileAttributes file = attributes(path);
        boolean emptied = isOpenFile(file) && file.size() < pageSize;
        letGoOfFile();
        if (emptied) {
            startOver();
        }
        reopen();
    }

    /** Closes the file being written: the checkpointer first, then the writer's statements and connection. */
    private void letGoOfFile() {
        checkpointer.close();
        closeQuietly(insert);
        closeQuietly(insertOne);
        closeQuietly(lastInsertedId);
        closeQuietly(connection); // each on its own: one failing must not leave the others open
        connection = null;
    }

    /** Opens the journal at its path again after {@link #letGoOfFile}; false (said once) while it cannot. */
    private boolean reopen() {
        nextPathCheckMillis = System.currentTimeMillis() + PATH_CHECK_INTERVAL_MILLIS;
        try {
            adopt(openFile(path));
        } catch (IOException | SQLException | RuntimeException e) {
            if (!pathFailureSaid) {
                pathFailureSaid = true;
                warn.accept("journal cannot be opened again: " + e.getMessage() + "; events wait in the queue (its"
                        + " oldest dropped when full) while the agent tries again every second");
            }
            return false;
        }
        if (pathFailureSaid) {
            warn.accept("journal " + path + " opened again");
            pathFailureSaid = false;
        }
        if (threads != null) {
            checkpointer.start(threads);
        }
        return true;
    }

    private void prepareInserts() throws SQLException {
        insert = connection.prepareStatement(insertSql(ROWS_PER_STATEMENT, storePayload));
        insertOne = connection.prepareStatement(insertSql(1, storePayload));
        lastInsertedId = connection.prepareStatement("SELECT last_insert_rowid()");
        lastId = -1;
        otherWriterSaid = false;
    }

    private static String insertSql(int rows, boolean storePayload) {
        // the texts come as UTF-8 blobs (see bindRepeated and bindId)
        String text = "CAST(? AS TEXT)";
        String values = "(" + text + ", " + text + ", " + text + ", " + text + ", " + text + ", " + text + ", ?, ?, ?, "
                + (storePayload ? "?" : "NULL") + ", " + text + ")";
        StringBuilder sql = new StringBuilder("INSERT INTO events (site, source, event_type, severity, event_id,"
                + " aggregate_id, occurred_at, recorded_at, payload_bytes, payload, thread) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append(values);
        }
        return sql.toString();
    }

    /** Closing what is being replaced: a failure changes nothing. */
    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception ignored) {
            // it is being replaced
        }
    }

    private void closeQuietly() {
        try {
            insert.close();
            insertOne.close();
            lastInsertedId.close();
            connection.close();
        } catch (SQLException e) {
            warn.accept("closing the journal " + path + ": " + e.getMessage());
        }
    }
}
