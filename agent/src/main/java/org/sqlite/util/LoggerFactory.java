package org.sqlite.util;

import java.util.function.Supplier;

/**
 * The agent's replacement for sqlite-jdbc's choice of logger.
 *
 * <p>sqlite-jdbc logs through SLF4J when it finds it and through {@code java.util.logging}
 * otherwise, as it does in the agent's own class loader. A logger made there as the journal opens
 * sets up the JVM's one {@code LogManager}: a service that names its own later (the {@code
 * java.util.logging.manager} property that JBoss LogManager and Log4j's bridge need) silently kept
 * the JDK's. And what the library logs, a native library it could not unpack, say, reached the
 * service's stderr as SEVERE records with their stack traces, where the agent already says what
 * failed in one line (SPEC section 6: the service's logging is its own business).
 *
 * <p>This class takes the original's place in the agent jar (the build leaves the original out),
 * for the agent and its command line alike: what the library logs is dropped, unless {@code
 * KUBE9_DEBUG} is set, when its warnings and errors go to stderr whole.
 */
public class LoggerFactory {
    /** The environment variable that shows what sqlite-jdbc logs (the command line's debug switch too). */
    public static final String DEBUG_ENV = "KUBE9_DEBUG";
    private static final boolean DEBUG = System.getenv(DEBUG_ENV) != null;
    private static final Logger DROPPED = new Dropped();

    public static Logger getLogger(Class<?> type) {
        return DEBUG ? new ToStandardError(type.getName()) : DROPPED;
    }

    private static final class Dropped implements Logger {
        @Override
        public void trace(Supplier<String> message) {}

        @Override
        public void info(Supplier<String> message) {}

        @Override
        public void warn(Supplier<String> message) {}

        @Override
        public void error(Supplier<String> message, Throwable t) {}
    }

    private static final class ToStandardError implements Logger {
        private final String name;

        ToStandardError(String name) {
            this.name = name;
        }

        @Override
        public void trace(Supplier<String> message) {}

        @Override
        public void info(Supplier<String> message) {}

        @Override
        public void warn(Supplier<String> message) {
            System.err.println("[kube9-agent] sqlite-jdbc " + name + ": " + message.get());
        }

        @Override
        public void error(Supplier<String> message, Throwable t) {
            System.err.println("[kube9-agent] sqlite-jdbc " + name + ": " + message.get());
            if (t != null) {
                t.printStackTrace();
            }
        }
    }
}
