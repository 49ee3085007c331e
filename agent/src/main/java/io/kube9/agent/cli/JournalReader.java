package io.kube9.agent.cli;

import io.kube9.agent.journal.JournalSchema;
import io.kube9.agent.journal.Sqlite;
import io.kube9.agent.journal.SqliteNativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Read-only queries on a journal, safe while an agent is writing it: the connection is opened
 * read-only (it never creates or changes the file), and each query is its own read transaction
 * in WAL mode (or several share one, {@link #inOneReadTransaction}), so it sees every batch
 * committed before it started and never blocks the writer.
 * A journal in a read-only directory with no write-ahead log beside it is read as immutable.
 * Every failure becomes a {@link CliException} that names the file.
 */
final class JournalReader implements AutoCloseable {
    private static final Set<String> GROUPABLE = Set.of("event_type", "severity", "site");
    /** The file format's fixed header: https://www.sqlite.org/fileformat.html#the_database_header */
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int APPLICATION_ID_OFFSET = 68;
    private static final int SQLITE_HEADER_BYTES = 100;

    private final Path path;
    private final Connection connection;

    private JournalReader(Path path, Connection connection) {
        this.path = path;
        this.connection = connection;
    }

    static JournalReader open(Path path) {
        return open(path, Files::isWritable);
    }

    /** {@code writableDirectory} is a seam for tests, which may run as root (who can write anywhere). */
    static JournalReader open(Path path, Predicate<Path> writableDirectory) {
        // Checked first because SQLite would create a missing file, and a read-only open of a
        // directory fails with a message that does not say so.
        if (Files.isDirectory(path)) {
            throw new CliException(path + " is a directory, not a journal file");
        }
        if (!Files.exists(path)) {
            throw new CliException("no journal at " + path + " (give its path with --db or KUBE9_JOURNAL_PATH)");
        }
        if (!Files.isRegularFile(path)) {
            // a named pipe would be waited on for ever, a device read without end
            throw new CliException(path + " is not a regular file, so not a journal");
        }
        if (!Files.isReadable(path)) {
            throw new CliException("cannot read " + path + ": permission denied");
        }
        refuseForeignDatabase(path);
        Path directory = path.toAbsolutePath().getParent();
        boolean readOnlyDirectory = directory != null && !writableDirectory.test(directory);
        Path log = Paths.get(path + "-wal");
        Connection connection = null;
        try {
            // Even a read-only open of a WAL-mode file needs its -wal and -shm files, which SQLite
            // cannot create in a read-only directory (a read-only mount, a backup). Without a log
            // beside it, no writer has the journal open and the file alone holds every row: read
            // it as immutable, which needs neither. An empty log, as a read-only open leaves
            // behind, holds nothing either.
            connection = readOnlyDirectory && isEmptyOrMissing(log)
                    ? Sqlite.openImmutable(path) : Sqlite.openReadOnly(path.toString());
            JournalSchema.checkReadable(connection, path.toString());
            return new JournalReader(path, connection);
        } catch (SQLException e) {
            closeQuietly(connection);
            String notLoaded = SqliteNativeLibrary.whyNotLoaded(e);
            if (notLoaded != null) {
                throw new CliException(notLoaded, e);
            }
            if (readOnlyDirectory && cannotOpenBesideIt(e)) {
                throw new CliException("cannot read journal " + path + ": its directory is read-only, and SQLite"
                        + " cannot read its write-ahead log " + log + " there; copy the journal and its -wal file"
                        + " to a writable directory", e);
            }
            String unusable = cannotOpenBesideIt(e) ? unusableBesideIt(path) : null;
            if (unusable != null) {
                throw new CliException("cannot read journal " + path + ": " + unusable, e);
            }
            throw failure(path, e);
        }
    }

    private static boolean isEmptyOrMissing(Path file) {
        try {
            return !Files.exists(file) || Files.size(file) == 0;
        } catch (IOException e) {
            return false; // there but unreadable: SQLite's own open says what is wrong
        }
    }

    /** SQLite could not open or create the -wal or -shm file. */
    private static boolean cannotOpenBesideIt(SQLException e) {
        if (!(e instanceof SQLiteException)) {
            return false;
        }
        SQLiteErrorCode code = ((SQLiteException) e).getResultCode();
        return code.name().startsWith("SQLITE_CANTOPEN") || code.name().startsWith("SQLITE_READONLY");
    }

    /**
     * What is wrong with the journal's -wal or -shm file, when it is there but not a file SQLite
     * can open, or null: SQLite says only "unable to open database file", naming neither.
     */
    private static String unusableBesideIt(Path path) {
        for (String suffix : List.of("-wal", "-shm")) {
            Path file = Paths.get(path + suffix);
            String name = (suffix.equals("-wal") ? "its write-ahead log " : "its shared-memory file ") + file;
            if (Files.isDirectory(file)) {
                return name + " is a directory";
            }
            if (!Files.exists(file)) {
                if (Files.isSymbolicLink(file)) {
                    return name + " is a symbolic link to a missing file";
                }
            } else if (!Files.isRegularFile(file)) {
                return name + " is not a regular file";
            } else if (!Files.isReadable(file)) {
                return name + " cannot be read: permission denied";
            }
        }
        return null;
    }

    /**
     * Refuses, from the file header (or its size) alone, what is plainly not a journal. Opening a WAL-mode
     * database, even read-only, makes SQLite create its -wal and -shm files next to it, and
     * another application's files are not ours to add to. Only a header whose word is final
     * counts: with a -wal file present, the real header may still be in the log.
     */
    private static void refuseForeignDatabase(Path path) {
        byte[] header = new byte[SQLITE_HEADER_BYTES];
        int read;
        try (InputStream in = Files.newInputStream(path)) {
            read = in.readNBytes(header, 0, header.length);
        } catch (IOException e) {
            throw new CliException("cannot read " + path + ": " + e.getMessage(), e);
        }
        if (read == 0) {
            return; // empty: SQLite reads it as an empty database, which checkReadable refuses
        }
        if (read < header.length) {
            // Never a database (its first page alone is 512 bytes or more), and SQLite would add
            // -wal and -shm files beside the start of a WAL-mode header.
            throw new CliException(path + " is not a kube9 journal (" + read + " bytes, shorter than an SQLite"
                    + " header)");
        }
        if (!Arrays.equals(Arrays.copyOf(header, SQLITE_MAGIC.length), SQLITE_MAGIC)) {
            throw new CliException(path + " is not a kube9 journal (not an SQLite database)");
        }
        int applicationId = ByteBuffer.wrap(header, APPLICATION_ID_OFFSET, 4).getInt();
        boolean walPending = Files.exists(Paths.get(path + "-wal"));
        if (applicationId != JournalSchema.APPLICATION_ID && !walPending) {
            throw new CliException(path + " is not a kube9 journal");
        }
    }

    /** Rows matching {@code filter}, whatever the page. */
    long count(EventFilter filter) {
        SqlWhere where = filter.where();
        return query("SELECT count(*) FROM events" + where.sql(), where, List.of(),
                result -> result.getLong(1)).get(0);
    }

    /** Newest first. */
    List<JournalRow> page(EventFilter filter, int limit, long offset) {
        SqlWhere where = filter.where();
        return query("SELECT " + JournalRow.COLUMNS + " FROM events" + where.sql()
                + " ORDER BY recorded_at DESC, id DESC LIMIT ? OFFSET ?", where, List.of(limit, offset),
                JournalRow::read);
    }

    Optional<JournalRow> byId(long id) {
        SqlWhere where = new SqlWhere().and("id = ?", id);
        List<JournalRow> rows = query("SELECT " + JournalRow.COLUMNS + " FROM events" + where.sql(), where, List.of(),
                JournalRow::read);
        return rows.stream().findFirst();
    }

    /** The newest id, or 0 for an empty journal; ids only grow (AUTOINCREMENT), even across pruning. */
    long maxId() {
        SqlWhere none = new SqlWhere();
        return query("SELECT coalesce(max(id), 0) FROM events", none, List.of(), result -> result.getLong(1)).get(0);
    }

    /**
     * The id after which the last {@code count} matching rows with an id up to {@code upToId}
     * begin (the id of the one before them), or {@link Long#MIN_VALUE} when no more match: read
     * them with {@link #between} a batch at a time, rather than all at once.
     */
    long beforeLatest(EventFilter filter, long count, long upToId) {
        SqlWhere where = filter.where().and("id <= ?", upToId);
        List<Long> ids = query("SELECT id FROM events" + where.sql() + " ORDER BY id DESC LIMIT 1 OFFSET ?", where,
                List.of(count), result -> result.getLong(1));
        return ids.isEmpty() ? Long.MIN_VALUE : ids.get(0);
    }

    /** Matching rows with {@code afterId < id <= upToId}, oldest first, at most {@code max}. */
    List<JournalRow> between(EventFilter filter, long afterId, long upToId, int max) {
        SqlWhere where = filter.where().and("id > ?", afterId).and("id <= ?", upToId);
        return query("SELECT " + JournalRow.COLUMNS + " FROM events" + where.sql() + " ORDER BY id LIMIT ?", where,
                List.of(max), JournalRow::read);
    }

    /** Matching rows per value of {@code column}, most frequent first. */
    Map<String, Long> countBy(String column, EventFilter filter) {
        if (!GROUPABLE.contains(column)) {
            throw new IllegalArgumentException("cannot group by " + column);
        }
        SqlWhere where = filter.where();
        Map<String, Long> counts = new LinkedHashMap<>();
        query("SELECT " + column + ", count(*) AS n FROM events" + where.sql() + " GROUP BY " + column
                + " ORDER BY n DESC, " + column, where, List.of(), result -> {
                    counts.put(result.getString(1), result.getLong(2));
                    return null;
                });
        return counts;
    }

    /**
     * Runs {@code reads} in one read transaction, so that all its queries see the same committed
     * rows: a batch the writer commits between two of them is seen by neither.
     */
    <T> T inOneReadTransaction(Supplier<T> reads) {
        try {
            connection.setAutoCommit(false); // BEGIN (deferred): the snapshot is taken at the first read
        } catch (SQLException e) {
            throw failure(path, e);
        }
        try {
            return reads.get();
        } finally {
            try {
                connection.setAutoCommit(true); // COMMIT: ends the read, so the writer may checkpoint past it
            } catch (SQLException e) {
                // nothing was written; closing the connection ends the transaction anyway
            }
        }
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private interface RowMapper<T> {
        T map(ResultSet result) throws SQLException;
    }

    private <T> List<T> query(String sql, SqlWhere where, List<Object> trailing, RowMapper<T> mapper) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = where.bind(statement);
            for (Object value : trailing) {
                statement.setObject(index++, value);
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(mapper.map(result));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw failure(path, e);
        }
    }

    private static CliException failure(Path path, SQLException e) {
        if (e instanceof SQLiteException) {
            SQLiteErrorCode code = ((SQLiteException) e).getResultCode();
            if (code == SQLiteErrorCode.SQLITE_NOTADB) {
                return new CliException(path + " is not a kube9 journal (not an SQLite database)", e);
            }
            if (code == SQLiteErrorCode.SQLITE_BUSY) {
                return new CliException(path + " stayed locked by another process; try again", e);
            }
            return new CliException("cannot read journal " + path + ": " + e.getMessage(), e);
        }
        // JournalSchema's own messages already name the file: "x.db is not a kube9 journal".
        return new CliException(e.getMessage(), e);
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // read-only: nothing can be lost
            }
        }
    }
}
