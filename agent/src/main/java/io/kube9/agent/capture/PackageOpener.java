package io.kube9.agent.capture;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * Opens the package of an event class in a named module (a service run with {@code java -m}, a
 * jlinked image) to the agent's own classes, and to no one else, before its attributes are read.
 *
 * <p>Why: a named module keeps its packages closed unless it says otherwise, and an event class in
 * one, public or not, has getters that the agent's unnamed module may not call. Without this every
 * attribute of such an event was missing: the type fell back to the class name, the ids and the
 * time were empty. A {@code java.lang.instrument} agent may open a package with {@link
 * Instrumentation#redefineModule}; the package is then open to the agent's module only, so the
 * service's own access rules stay as they were.
 *
 * <p>The JDK's own modules are left alone: their public API is exported, and nothing of theirs is
 * read otherwise.
 */
public final class PackageOpener {
    private static volatile Instrumentation instrumentation;

    private PackageOpener() {}

    /** Given by the runtime at start; before it (and in unit tests) nothing is opened. */
    public static void use(Instrumentation given) {
        instrumentation = given;
    }

    /**
     * Opens {@code type}'s package to the agent where its module is named, belongs to the
     * application and does not open it already. Never throws: a package that stays closed only
     * leaves its attributes unread, as before.
     */
    static void openToAgent(Class<?> type) {
        Instrumentation instrumentation = PackageOpener.instrumentation;
        Module module = type.getModule();
        if (instrumentation == null || !module.isNamed() || type.isArray() || type.isPrimitive()) {
            return;
        }
        ClassLoader loader = type.getClassLoader();
        if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
            return; // the JDK's
        }
        Module agent = PackageOpener.class.getModule();
        String name = type.getPackageName();
        try {
            if (!module.isOpen(name, agent) && instrumentation.isModifiableModule(module)) {
                instrumentation.redefineModule(module, Set.of(), Map.of(), Map.of(name, Set.of(agent)), Set.of(),
                        Map.of());
            }
        } catch (RuntimeException | LinkageError e) {
            // stays closed: the attributes are unread, as before
        }
    }
}
