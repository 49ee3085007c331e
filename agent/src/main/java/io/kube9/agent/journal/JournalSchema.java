package io.kube9.agent.journal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal's tables and their versions. {@code PRAGMA user_version} carries the schema
 * version and {@code PRAGMA application_id} marks the file as a kube9 journal.
 *
 * <p>Times ({@code occurred_at}, {@code recorded_at}) are epoch milliseconds, UTC, so SQL can
 * compare them directly: {@code WHERE recorded_at >= strftime('%s','now','-15 minutes') * 1000}.
 */
public final class JournalSchema {
    /** "kub9" in ASCII. */
    public static final int APPLICATION_ID = 0x6B756239;
    public static final int VERSION = 4;

    /**
     * Rows per bucket of the aggregate index, as a shift of {@code id}: see {@link #UPGRADE_TO_2}
     * and {@link #UPGRADE_TO_4}.
     */
    static final int AGGREGATE_BUCKET_SHIFT = 8;

    /**
     * The page size of new journals. At SQLite's 4 KiB the writer spent 10-15% more CPU per row
     * under sustained load (BENCHMARKS.md: every batch and every retention delete walks and
     * rewrites a quarter as many pages, each with its own header, cell pointers and log frame).
     * A journal keeps the page size it was created with: changing it means a VACUUM, which the
     * write-ahead log does not allow.
     */
    public static final int PAGE_SIZE = 16384;

    private static final String[] VERSION_1 = {
        "CREATE TABLE IF NOT EXISTS events ("
                + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " site TEXT NOT NULL,"
                + " source TEXT NOT NULL,"
                + " event_type TEXT NOT NULL,"
                + " severity TEXT NOT NULL,"
                + " event_id TEXT,"
                + " aggregate_id TEXT,"
                + " occurred_at INTEGER,"
                + " recorded_at INTEGER NOT NULL,"
                + " payload_bytes INTEGER,"
                + " payload BLOB,"
                + " thread TEXT)",
        "CREATE INDEX IF NOT EXISTS events_recorded_at ON events(recorded_at)",
        "CREATE INDEX IF NOT EXISTS events_type_recorded_at ON events(event_type, recorded_at)",
        "CREATE INDEX IF NOT EXISTS events_aggregate_id ON events(aggregate_id)",
    };

    /**
     * Version 2: the aggregate index leads with a bucket of 12 bits of {@code id}. Keyed by
     * {@code aggregate_id} alone, every row's index entry went to a random
     * place in an index as large as the journal, so each batch (and each retention delete) dirtied
     * about one index page per row, each written to the WAL and again at the checkpoint: half of
     * the writer's cost at a million rows (BENCHMARKS.md). Bucketed, new entries go into the
     * newest 4,096 rows' part of the index and deletes into the oldest. {@code WHERE aggregate_id
     * = ?} still uses it, by skip-scan (one probe per bucket: ~250 for a million rows), which
     * SQLite chooses only from statistics, so a fixed {@code sqlite_stat1} row says what the
     * index looks like at any size (ANALYZE, if someone runs it, recomputes it).
     */
    private static final String[] UPGRADE_TO_2 = {
        "DROP INDEX IF EXISTS events_aggregate_id",
        "CREATE INDEX events_aggregate_id ON events(id >> 12, aggregate_id)",
        "ANALYZE sqlite_schema", // creates sqlite_stat1, which cannot be created otherwise
        "DELETE FROM sqlite_stat1 WHERE idx = 'events_aggregate_id'",
        "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('events', 'events_aggregate_id', '1000000 4096 2')",
    };

    /**
     * Version 3: one index {@code (recorded_at, event_type)} instead of {@code (recorded_at)} and
     * {@code (event_type, recorded_at)}. The type-first index took each batch's rows at eight or more
     * places in its middle (one per event type) and lost them again at as many places when
     * retention deleted the oldest: splits and merges of inner pages, and the most expensive of the
     * three indexes (~2 us of the ~7 us the writer spent per row, in-process measurement in
     * BENCHMARKS.md). Time-first, entries are appended at its end and deleted from its start like
     * the table's. Queries by type read {@code event_type} from the index without touching the
     * rows: newest-first pages of a type and time windows stay as fast; counting or grouping by
     * type over the whole journal scans the index (tens to a few hundred ms for a million rows).
     */
    private static final String[] UPGRADE_TO_3 = {
        "DROP INDEX IF EXISTS events_type_recorded_at",
        "DROP INDEX IF EXISTS events_recorded_at",
        "CREATE INDEX events_recorded_at_type ON events(recorded_at, event_type)",
    };

    /**
     * Version 4: buckets of {@value #AGGREGATE_BUCKET_SHIFT} bits (256 rows) in the aggregate
     * index. A bucket of 4,096 rows spread over ~15 pages, and each row's entry went into one of
     * them at random: pages split in the middle, ran half full, and every batch rewrote all of
     * them. A bucket of 256 rows fits in a page or two at the index's end, and the writer spends
     * ~14% less CPU per row (in-process, BENCHMARKS.md). Skip-scan then probes 16 times as many
     * buckets: {@code WHERE aggregate_id = ?} on a million rows takes ~10 ms instead of 1-4.
     */
    private static final String[] UPGRADE_TO_4 = {
        "DROP INDEX IF EXISTS events_aggregate_id",
        "CREATE INDEX events_aggregate_id ON events(id >> " + AGGREGATE_BUCKET_SHIFT + ", aggregate_id)",
        "ANALYZE sqlite_schema", // sqlite_stat1 again, should someone have dropped it
        "DELETE FROM sqlite_stat1 WHERE idx = 'events_aggregate_id'",
        "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('events', 'events_aggregate_id', '1000000 "
                + (1 << AGGREGATE_BUCKET_SHIFT) + " 2')",
    };

    private JournalSchema() {}

    /**
     * Creates or upgrades the schema.
     *
     * @param path the file as the messages of the exceptions name it
     * @throws SQLException also when the file is another application's database or was written
     *     by a newer agent: such a file is left untouched
     */
    public static void migrate(Connection connection, String path) throws SQLException {
        int version = pragma(connection, "user_version");
        int applicationId = pragma(connection, "application_id");
        boolean empty = isEmpty(connection);
        if (!empty && applicationId != APPLICATION_ID) {
            throw new SQLException(path + " is not a kube9 journal (another database is at that path)");
        }
        if (version > VERSION) {
            throw new SQLException(path + " was written by a newer kube9 agent (schema version " + version
                    + ", this agent knows up to " + VERSION + "); it is left untouched");
        }
        List<String> foreign = foreignTables(connection);
        if (!foreign.isEmpty()) {
            throw new SQLException(path + " holds tables that are not the agent's (" + String.join(", ", foreign)
                    + "): another program writes it too (the service's own database?); it is left untouched");
        }
        String encoding = textPragma(connection, "encoding");
        if (!"UTF-8".equals(encoding)) {
            // the writer hands SQLite its texts as UTF-8 bytes to store as they are
            throw new SQLException(path + " stores its text as " + encoding + "; a kube9 journal is UTF-8"
                    + " (move the file away and the agent creates a new journal there)");
        }
        if (version == VERSION) {
            return;
        }
        if (empty) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA page_size = " + PAGE_SIZE); // before the first table
            }
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            if (version < 1) {
                for (String sql : VERSION_1) {
                    statement.execute(sql);
                }
            }
            if (version < 2) {
                for (String sql : UPGRADE_TO_2) {
                    statement.execute(sql);
                }
            }
            if (version < 3) {
                for (String sql : UPGRADE_TO_3) {
                    statement.execute(sql);
                }
            }
            if (version < 4) {
                for (String sql : UPGRADE_TO_4) {
                    statement.execute(sql);
                }
            }
            statement.execute("PRAGMA application_id = " + APPLICATION_ID);
            statement.execute("PRAGMA user_version = " + VERSION);
            connection.commit();
        } catch (SQLException e) {
            // A write that failed (disk full, I/O error) has ended the transaction already: the
            // rollback, and the commit that going back to auto-commit makes, fail as well ("no
            // transaction is active"), and either would hide why.
            try {
                connection.rollback();
            } catch (SQLException notInTransaction) {
                e.addSuppressed(notInTransaction);
            }
            try {
                connection.setAutoCommit(autoCommit);
            } catch (SQLException notInTransaction) {
                e.addSuppressed(notInTransaction);
            }
            throw e;
        }
        connection.setAutoCommit(autoCommit);
    }

    /**
     * The tables in the file that no agent made: none in a journal. SQLite's own ({@code
     * sqlite_sequence}, {@code sqlite_stat1} of an {@code ANALYZE}) are not counted, nor are
     * views or indexes someone added to read the journal their way.
     */
    public static List<String> foreignTables(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet tables = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
                        + " AND name <> 'events' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) {
            while (tables.next()) {
                names.add(tables.getString(1));
            }
        }
        return names;
    }

    /** Checks, without changing anything, that {@code connection} is a journal this code can read. */
    public static void checkReadable(Connection connection, String path) throws SQLException {
        int applicationId = pragma(connection, "application_id");
        int version = pragma(connection, "user_version");
        if (applicationId != APPLICATION_ID) {
            throw new SQLException(path + " is not a kube9 journal");
        }
        if (version > VERSION) {
            throw new SQLException(path + " was written by a newer kube9 agent (schema version " + version + ")");
        }
    }

    static int pragma(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA " + name)) {
            return result.next() ? result.getInt(1) : 0;
        }
    }

    private static String textPragma(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA " + name)) {
            return result.next() ? result.getString(1) : null;
        }
    }

    private static boolean isEmpty(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
            return result.next() && result.getInt(1) == 0;
        }
    }
}
