package io.kube9.agent.journal;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Properties;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Opens SQLite connections without going through {@link DriverManager}: the agent's copy of
 * sqlite-jdbc registers itself there when it loads, and the JVM-wide driver list is the
 * service's business, so that registration is undone at once.
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

    private static Connection open(String path, SQLiteConfig config) throws SQLException {
        Properties properties = config.toProperties();
        Connection connection = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + path, properties);
        unregisterOurDriver();
        return connection;
    }

    private static void unregisterOurDriver() {
        ClassLoader ours = Sqlite.class.getClassLoader();
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == ours) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (SQLException | SecurityException e) {
                    // harmless: the service's class loaders cannot see our driver anyway
                }
            }
        }
    }
}
