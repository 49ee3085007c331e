package io.kube9.agent.journal;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Properties;

/**
 * Another process that holds a journal's lock: takes an exclusive lock on the file given, prints
 * "locked", and keeps it until its standard input closes. The agent never opens a file its own
 * process holds open, so a lock held by another process is the one it meets.
 */
public final class LockHolder {
    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        try (Connection connection = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + args[0], new Properties());
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA locking_mode = EXCLUSIVE");
            statement.execute("BEGIN EXCLUSIVE");
            statement.executeQuery("SELECT count(*) FROM events").close();
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the test closes our input
            }
        }
    }
}
