package io.kube9.it.apps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.logging.LogManager;

/**
 * A service that chooses its java.util.logging manager late, as one that sets {@code
 * java.util.logging.manager} in its own start-up code does (JBoss LogManager and Log4j's bridge
 * need it set before the JDK's manager is made): it calls a store site, waits until the journal
 * named by {@code args[0]} has been written, then sets the property and prints the manager the
 * JVM gives it, and DONE.
 */
public final class LogManagerApp {
    private LogManagerApp() {}

    public static void main(String[] args) throws Exception {
        Path journal = Paths.get(args[0]);
        new AuditEventStore().append(new TrickyApp.PlainEvent("audit.started", "info", null));
        for (int i = 0; i < 600 && !(Files.exists(journal) && Files.size(journal) > 0); i++) {
            Thread.sleep(100);
        }
        Thread.sleep(500); // the journal's first batch
        System.setProperty("java.util.logging.manager", OwnLogManager.class.getName());
        System.out.println("journal " + (Files.exists(journal) ? "written" : "missing"));
        System.out.println("manager " + LogManager.getLogManager().getClass().getName());
        System.out.println("DONE");
        System.out.flush();
    }

    /** The service's own manager. */
    public static final class OwnLogManager extends LogManager {
        public OwnLogManager() {
            super();
        }
    }

    static final class AuditEventStore {
        void append(Object event) {
            // stored
        }
    }
}
