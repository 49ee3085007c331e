package io.kube9.agent.journal;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Properties;

/**
 * Another process that holds a journal's lock: takes an exclusive lock on the file given (with
 * {@code writes} after it, only the write lock), prints "locked", and keeps it until its standard
 * input closes. The agent never opens a file its own
 * process holds open, so a lock held by another process is the one it meets.
 */
public final class LockHolder {
    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        try (Connection connection = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + args[0], new Properties());
                Statement statement = connection.createStatement()) {
            if (args.length > 1 && args[1].equals("writes")) {
                // only the write lock, as a second writer holds it: the agent's open file stays readable
                statement.execute("PRAGMA busy_timeout = 10000");
                statement.execute("BEGIN IMMEDIATE");
            } else {
                statement.execute("PRAGMA locking_mode = EXCLUSIVE");
                statement.execute("BEGIN EXCLUSIVE");
            }
            statement.executeQuery("SELECT count(*) FROM events").close();
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the test closes our input
            }
        }
    }
}
