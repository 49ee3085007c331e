package io.kube9.agent.runtime;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;

/**
 * Runs the agent's exit after the application's own shutdown hooks have all finished, where the
 * JDK runs its own last steps (deleting {@code deleteOnExit} files): in a free slot of the JDK's
 * system shutdown hooks, which run one after the other once every {@code Runtime} hook has
 * returned.
 *
 * <p>Why: a {@code Runtime} hook runs at the same time as the service's. Spring Boot's lets the
 * requests in flight at SIGTERM finish (graceful shutdown, on by default in 3.x); the agent's
 * drained the queue and closed the journal meanwhile, and those requests' events were neither
 * written nor counted. From here the agent sees every event the service's hooks led to.
 *
 * <p>The slots are the JDK's internal API, reached through the {@link Instrumentation} an agent
 * has (the package is exported to the agent's classes alone). Where that fails (another JDK, a
 * slot taken), the caller registers an ordinary hook, and the journal stays open at exit for what
 * comes late ({@code JournalWriter#drainAtExit}).
 */
final class LateShutdownHook {
    /** Slots the JDK uses: 0 the console, 1 the Runtime hooks, 2 deleteOnExit; up to 9 are allowed. */
    private static final int FIRST_FREE_SLOT = 3;
    private static final int LAST_SLOT = 9;

    private LateShutdownHook() {}

    /** @return whether {@code task} will run after the application's hooks at exit */
    static boolean register(Instrumentation instrumentation, Runnable task) {
        try {
            String access = Runtime.version().feature() >= 12 ? "jdk.internal.access" : "jdk.internal.misc";
            Module base = Object.class.getModule();
            Module agent = LateShutdownHook.class.getModule();
            if (!instrumentation.isModifiableModule(base)) {
                return false;
            }
            instrumentation.redefineModule(base, Set.of(), Map.of(access, Set.of(agent)), Map.of(), Set.of(), Map.of());
            Object javaLang = Class.forName(access + ".SharedSecrets").getMethod("getJavaLangAccess").invoke(null);
            Method register = Class.forName(access + ".JavaLangAccess")
                    .getMethod("registerShutdownHook", int.class, boolean.class, Runnable.class);
            for (int slot = LAST_SLOT; slot >= FIRST_FREE_SLOT; slot--) {
                try {
                    register.invoke(javaLang, slot, false, task);
                    return true;
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof IllegalStateException) {
                        throw (IllegalStateException) e.getCause(); // shutdown in progress: the caller's to handle
                    }
                    // InternalError: that slot is taken; try the next
                }
            }
            return false;
        } catch (IllegalStateException shuttingDown) {
            throw shuttingDown;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
