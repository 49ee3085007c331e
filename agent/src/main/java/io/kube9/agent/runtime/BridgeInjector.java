package io.kube9.agent.runtime;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Makes the bridge classes visible to every class loader by defining them in the bootstrap
 * loader, before anything refers to them (this class must not).
 *
 * <p>Why not {@link Instrumentation#appendToBootstrapClassLoaderSearch}: on JDK 17 appending to
 * the boot class path turns class-data sharing off for every class outside the boot loader,
 * which slows the service's start-up and makes the JVM print "Sharing is only supported for boot
 * loader classes because bootstrap classpath has been appended" on the service's stderr.
 * Defining the few small classes directly keeps sharing on. {@code jdk.internal.misc} is opened to
 * the agent's own (unnamed) module only, not to the application. Where that is refused the
 * append remains as the fallback.
 */
public final class BridgeInjector {
    /**
     * Every class of the bridge package, supertypes first: defining a class resolves its
     * interfaces ({@code BridgeInjectorTest} checks the list against the package).
     */
    static final String[] BRIDGE = {
        "io/kube9/agent/bridge/EventSink",
        "io/kube9/agent/bridge/EventSink$1",
        "io/kube9/agent/bridge/StartingSink",
        "io/kube9/agent/bridge/AsyncCalls$Done",
        "io/kube9/agent/bridge/AsyncCalls",
        "io/kube9/agent/bridge/SuspendCalls$Call",
        "io/kube9/agent/bridge/SuspendCalls$1",
        "io/kube9/agent/bridge/SuspendCalls$2",
        "io/kube9/agent/bridge/SuspendCalls$3",
        "io/kube9/agent/bridge/SuspendCalls",
        "io/kube9/agent/bridge/Kube9Bridge",
    };

    /** What {@link #inject} returns when it took the preferred way. */
    public static final String DEFINED = "defined in the boot loader";
    /** What {@link #inject} returns when an earlier start (or attach) already did it. */
    public static final String PRESENT = "already present";

    private BridgeInjector() {}

    /** Called reflectively by the trampoline; returns how the bridge was made visible. */
    public static String inject(Instrumentation instrumentation, File agentJar) throws IOException {
        if (bridgeVisible()) {
            return PRESENT; // attached again, or the agent was loaded twice
        }
        try (JarFile jar = new JarFile(agentJar, false)) {
            try {
                defineInBootLoader(instrumentation, jar);
                return DEFINED;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(agentJar, false));
                return "appended to the boot class path (" + e + ")";
            }
        }
    }

    private static boolean bridgeVisible() {
        try {
            Class.forName("io.kube9.agent.bridge.Kube9Bridge", false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void defineInBootLoader(Instrumentation instrumentation, JarFile jar)
            throws IOException, ReflectiveOperationException {
        Module javaBase = Object.class.getModule();
        Module agent = BridgeInjector.class.getModule();
        instrumentation.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(agent)),
                Map.of(), Set.of(), Map.of());
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        Method define = unsafeType.getMethod("defineClass",
                String.class, byte[].class, int.class, int.class, ClassLoader.class, ProtectionDomain.class);
        for (String name : BRIDGE) {
            byte[] bytes = read(jar, name + ".class");
            define.invoke(unsafe, name.replace('/', '.'), bytes, 0, bytes.length, null, null);
        }
    }

    private static byte[] read(JarFile jar, String entryName) throws IOException {
        ZipEntry entry = jar.getEntry(entryName);
        if (entry == null) {
            throw new IOException(entryName + " is missing from the agent jar");
        }
        try (InputStream in = jar.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }
}
