package io.kube9.agent.journal;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;
import org.sqlite.jdbc4.JDBC4Connection;

/**
 * Opens SQLite connections without {@link DriverManager}. The driver list is JVM-wide and the
 * service's business: touching it from the agent (even {@code getDrivers()}) would make
 * DriverManager discover drivers once, through the agent's class loader, and the service's own
 * JDBC drivers would then never be found. So the agent never loads {@code org.sqlite.JDBC}
 * (whose static initialiser registers it) and builds the connection class directly.
 */
public final class Sqlite {
    private Sqlite() {}

    /**
     * Opens {@code path} for writing, in whatever journal mode the file already has: WAL mode is
     * stored in the file itself, so it is switched on by {@link #useWriteAheadLog} only once the
     * file is known to be a kube9 journal (another application's database is left untouched).
     */
    public static Connection openForWriting(String path) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(1000);
        // A statement journal for a batch's retention delete spilled to a temporary file past
        // 64 KiB: 70% of the writer's bytes written (BENCHMARKS.md). In memory it is freed after
        // each statement.
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        // Every native call of sqlite-jdbc is synchronized on its connection already, so SQLite's
        // own per-connection mutex only adds a lock and an unlock to each bind and step: 3-5% of
        // the CPU of an insert (in process, 5,000-row batches, NOMUTEX against the default
        // alternating, median of 30 rounds).
        config.setOpenMode(SQLiteOpenMode.NOMUTEX);
        return open(path, config);
    }

    public static void useWriteAheadLog(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
        }
    }

    public static Connection openReadOnly(String path) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.setBusyTimeout(5000);
        return open(path, config);
    }

    /**
     * Whether {@code failure}, or what caused it, is another connection holding the file's lock
     * ({@code SQLITE_BUSY}, {@code SQLITE_LOCKED}, any of their extended codes): waiting is all it takes.
     */
    public static boolean isLocked(Throwable failure) {
        int primary = primaryCode(failure);
        return primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
    }

    /**
     * Whether {@code failure}, or what caused it, may pass by itself: the file locked, the disk
     * full ({@code SQLITE_FULL}), or a write, sync or truncation the file system refused (a full
     * disk or a file size limit can give {@code SQLITE_IOERR_WRITE}; opening an existing journal
     * there, whose {@code -shm} file SQLite grows as it opens it, {@code SQLITE_IOERR_SHMSIZE}). Not the other I/O errors:
     * a file system that cannot map SQLite's shared memory or take its locks stays so.
     */
    public static boolean mayPass(Throwable failure) {
        if (isLocked(failure) || primaryCode(failure) == SQLiteErrorCode.SQLITE_FULL.code) {
            return true;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutOfDescriptors) {
                return true;
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLiteException) {
                SQLiteErrorCode code = ((SQLiteException) cause).getResultCode();
                return code == SQLiteErrorCode.SQLITE_IOERR_WRITE || code == SQLiteErrorCode.SQLITE_IOERR_FSYNC
                        || code == SQLiteErrorCode.SQLITE_IOERR_TRUNCATE || code == SQLiteErrorCode.SQLITE_IOERR_DIR_FSYNC
                        || code == SQLiteErrorCode.SQLITE_IOERR_SHMSIZE;
            }
        }
        return false;
    }

    /**
     * The process had no file descriptor to spare as the journal opened: SQLite says only {@code
     * SQLITE_CANTOPEN}, which blamed the path and disabled the journal; descriptors may come back.
     */
    public static final class OutOfDescriptors extends SQLException {
        private static final long serialVersionUID = 1L;

        public OutOfDescriptors(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Whether {@code failure}, or what caused it, says the file is damaged or no database
     * ({@code SQLITE_CORRUPT}, {@code SQLITE_NOTADB}): no retry mends it.
     */
    public static boolean isDamaged(Throwable failure) {
        int primary = primaryCode(failure);
        return primary == SQLiteErrorCode.SQLITE_CORRUPT.code || primary == SQLiteErrorCode.SQLITE_NOTADB.code;
    }

    /** SQLite's primary result code of the first {@link SQLiteException} among the causes, or -1. */
    private static int primaryCode(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLiteException) {
                return ((SQLiteException) cause).getResultCode().code & 0xff;
            }
        }
        return -1;
    }

    /**
     * Opens {@code path} read-only as an immutable file (https://www.sqlite.org/uri.html#uriimmutable):
     * no locks, and no -wal or -shm files created or read. Only for a journal that nothing can be
     * writing, such as one in a directory where no -wal file can be created beside it.
     */
    public static Connection openImmutable(Path path) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.setOpenMode(SQLiteOpenMode.OPEN_URI);
        // toUri escapes what a URI path cannot hold as is (%, ?, #, spaces); SQLite decodes it.
        String uri = uri(path) + "?immutable=1";
        return new JDBC4Connection("jdbc:sqlite:" + uri, uri, config.toProperties());
    }

    /**
     * Opens {@code path} as a {@code file:} URI. sqlite-jdbc reads {@code ?key=value&...} after a
     * plain file name as its own settings, so {@code /data/x?journal_mode=delete} opened {@code
     * /data/x} in that mode; as a URI the path's {@code ?}, {@code #}, {@code %} and spaces are
     * escaped, and SQLite decodes them.
     */
    private static Connection open(String path, SQLiteConfig config) throws SQLException {
        config.setOpenMode(SQLiteOpenMode.OPEN_URI);
        String uri = uri(Paths.get(path));
        return new JDBC4Connection("jdbc:sqlite:" + uri, uri, config.toProperties());
    }

    /** {@code path} as a {@code file:} URI for SQLite, every character that is not plain escaped. */
    static String uri(Path path) {
        return "file:" + path.toAbsolutePath().toUri().getRawPath();
    }
}
