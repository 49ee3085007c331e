package io.kube9.agent.instrument;

import io.kube9.agent.bridge.Kube9Bridge;
import io.kube9.agent.capture.AccessorNames;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Gives every {@link Target}'s advice to the classes that are sites, with a class file
 * transformer of our own rather than Byte Buddy's {@code AgentBuilder}: that one loads most of
 * Byte Buddy and generates a class of its own before it transforms anything, and matched every
 * class through Byte Buddy's type pool, together about a second of the service's start-up on a
 * small machine (issue 5).
 *
 * <p>Two steps. {@link #install} registers the transformer: from then on every class loaded is
 * matched by its loader and name first and, for the service's own classes, by its supertypes'
 * names read from the class files ({@link ClassFileSummary}, {@link SuperTypeNames}).
 * {@link #prepare} loads the weaver (ASM) on the agent's start-up thread while the service
 * starts; a site class that loads before that is done waits for it, other classes never wait.
 * A woven site may be called before the agent's sink exists: the bridge holds such a call until
 * it does, so no call is missed. On runtime attach, {@link #retransformLoaded} gives the advice
 * to the sites that are already loaded.
 */
public final class Instrumenter {
    /** Never instrumented, whatever a pattern says: the JDK, us, and other agents. */
    private static final String[] IGNORED_PACKAGES = concat(SuperTypeNames.JDK, new String[] {
        "net.bytebuddy.", "io.kube9.agent.", "org.sqlite.", "picocli.", "io.prometheus.metrics.",
        "io.opentelemetry.javaagent.", "co.elastic.apm.agent.", "com.newrelic.", "datadog.trace.",
        "com.datadoghq.", "io.prometheus.jmx.", "org.glowroot.", "org.jacoco.agent."
    });
    /** The same, as the JVM names a class being loaded. */
    private static final String[] IGNORED_INTERNAL = new String[IGNORED_PACKAGES.length];
    /** What the objects of the Kubernetes API implement, Events among them ({@link #isAboutAnObject}). */
    private static final SuperTypeNames[] KUBERNETES_OBJECTS = {SuperTypeNames.of(List.of(
            "io.fabric8.kubernetes.api.model.HasMetadata", "io.kubernetes.client.common.KubernetesObject"))};
    /** The superclass of every dynamic proxy class. */
    private static final String PROXY = "java.lang.reflect.Proxy";
    /** How long a site class waits for the advice before it loads without (a start-up that hangs). */
    private static final long PREPARE_TIMEOUT_SECONDS = 60;

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    static {
        for (int i = 0; i < IGNORED_PACKAGES.length; i++) {
            IGNORED_INTERNAL[i] = IGNORED_PACKAGES[i].replace('.', '/');
        }
    }

    private final Targets targets;
    private final SuperTypeNames[] sites;
    private final AtomicInteger instrumentedMethods = new AtomicInteger();
    private final AtomicLong transformationErrors = new AtomicLong();
    /** Classes the JVM has offered the transformer: how busy the service's start still is. */
    private final AtomicLong classesOffered = new AtomicLong();
    private final Consumer<String> warn;
    /**
     * Per class loader, the direct supertypes of the classes it has loaded or that a walk read:
     * each class file is read once, not once for every subclass loaded after it (a framework's
     * interfaces are supertypes of hundreds of its classes: read for each, they added ~1.5 s of
     * CPU to the start-up of an Axon service of ~1,000 classes). Only names, never a class.
     */
    private final Map<ClassLoader, Map<String, String[]>> supertypesByLoader = new WeakHashMap<>();
    /** Other agents' jars, whose classes are never sites. */
    private final AgentJars agentJars = new AgentJars();
    /** Per class loader with sites: whether its classes can call the bridge. */
    private final Map<ClassLoader, Boolean> bridgeVisible = new WeakHashMap<>();
    /** Opens when the advice is built ({@link #prepare}) or given up ({@link #abandon}). */
    private final CountDownLatch prepared = new CountDownLatch(1);
    private final AtomicBoolean timeoutReported = new AtomicBoolean();
    /** Set before {@link #prepared} opens; null after it: no advice (failed). */
    private volatile Weaver weaver;
    private volatile boolean abandoned;
    private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();
    private ClassLoader agentLoader;
    private Instrumentation instrumentation;
    private Transformer transformer;

    public Instrumenter(Targets targets, Consumer<String> warn) {
        if (targets.all().size() > Long.SIZE) {
            throw new IllegalArgumentException("at most " + Long.SIZE + " targets, not " + targets.all().size());
        }
        this.targets = targets;
        this.warn = warn;
        this.sites = new SuperTypeNames[targets.all().size()];
        for (int index = 0; index < sites.length; index++) {
            sites[index] = SuperTypeNames.of(targets.get(index).typePatterns());
        }
    }

    /**
     * Registers the transformer. Sites loaded from now on wait for {@link #prepare} (or
     * {@link #abandon}).
     *
     * @param agentLoader the agent's own loader, whose classes are never matched
     * @param retransform whether the transformer takes part in retransformation: on runtime attach
     */
    public void install(Instrumentation instrumentation, ClassLoader agentLoader, boolean retransform) {
        this.instrumentation = instrumentation;
        this.agentLoader = agentLoader;
        this.transformer = new Transformer();
        instrumentation.addTransformer(transformer, retransform);
    }

    /** Builds the advice; never throws (no advice then). May run on a thread of its own. */
    public void prepare() {
        try {
            Weaver built = new Weaver(targets);
            built.warmUp();
            weaver = built;
        } catch (Throwable t) {
            warn.accept("instrumentation failed, metrics stay empty: " + t);
        } finally {
            prepared.countDown();
        }
    }

    /** No advice after all (the agent does not start): sites load as they are. */
    public void abandon() {
        abandoned = true;
        prepared.countDown();
        if (transformer != null) {
            instrumentation.removeTransformer(transformer);
        }
    }

    /**
     * Runtime attach: gives the advice to the sites already loaded. Call after {@link #prepare}
     * and once the bridge has its sink.
     */
    public void retransformLoaded() {
        if (weaver == null || abandoned || !instrumentation.isRetransformClassesSupported()) {
            return;
        }
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            try {
                if (type.isArray() || type.isPrimitive()
                        || isIgnored(type.getClassLoader(), type.getName(), IGNORED_PACKAGES)
                        || !instrumentation.isModifiableClass(type)
                        || (matchedSites(type.getName(), new LoadedSupertypes(type)) == 0
                                && !type.getName().equals(ResumeHook.CLASS.replace('/', '.')))) {
                    continue;
                }
                instrumentation.retransformClasses(type);
            } catch (Throwable t) {
                error(type.getName(), t);
            }
        }
    }

    /** Methods that received advice so far (per transformation; a retransformation counts again). */
    public int instrumentedMethods() {
        return instrumentedMethods.get();
    }

    public long transformationErrors() {
        return transformationErrors.get();
    }

    /** Classes loaded (or redefined) since the transformer was installed, every loader's. */
    public long classesOffered() {
        return classesOffered.get();
    }

    /** A bit per target whose patterns the type or one of its supertypes matches. */
    private long matchedSites(String name, SuperTypeNames.Supertypes supertypes) {
        return SuperTypeNames.matchedBits(sites, name, supertypes);
    }

    /**
     * Decided before anything is parsed: whatever the boot, platform and agent loaders define,
     * and names in the ignored packages whoever loads them.
     */
    private boolean isIgnored(ClassLoader loader, String name, String[] packages) {
        if (loader == null || loader == platformLoader || loader == agentLoader) {
            return true;
        }
        if (SuperTypeNames.isProxy(name)) {
            return false; // the application's proxy of its own interfaces, in the JDK's package for them
        }
        if (isFrameworkProxy(name)) {
            return true;
        }
        for (String prefix : packages) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Generated in front of a class or an interface of the service, always, and never woven (even
     * for an interface, whose implementation counts): Byte Buddy's (Hibernate's proxies, Mockito's
     * mocks), Quarkus ArC's subclasses and client proxies, Weld's proxies.
     */
    static boolean isFrameworkProxy(String name) {
        return name.contains("$ByteBuddy$") || name.contains("$HibernateProxy$") || name.contains("$MockitoMock$")
                || name.endsWith("_ClientProxy") || name.endsWith("_Subclass") || name.contains("$Proxy$_$$_Weld");
    }

    /**
     * Classes that frameworks generate, named after a type of the service. Those named with
     * {@code $$}: Spring's CGLIB proxies ({@code OrderProjection$$SpringCGLIB$$0}, for
     * {@code @Transactional}, {@code @Async}, ...), Guice's and javassist's, and Quarkus's REST
     * clients ({@code LedgerEventStore$$QuarkusRestClientInterface}); and those marked synthetic
     * (Micronaut's {@code $OrderEventStore$Definition$Intercepted}, {@code LedgerEventStore$Intercepted}),
     * which the journal names after the interface they implement ({@code Weaver}).
     * One that extends a class of the service that is the site itself is not woven: its methods
     * hand the call to the class behind it, which counts under its own name; woven too, a proxy
     * renamed the label and the journal's {@code source} ({@code @Transactional}), and counted each
     * event twice where the class behind runs on another thread ({@code @Async}), out of reach of
     * "only the outermost call counts". One that implements a site's interface with nothing of the
     * service's behind it (a REST client made at build time) is the site, and is woven, under the
     * name it was generated from. The others ({@link #isFrameworkProxy}) are never woven.
     *
     * @return the type a {@code $$}-named class was generated for, or null for another name
     */
    static String generatedFrom(String name) {
        int at = name.indexOf("$$");
        return at > 0 ? name.substring(0, at) : null;
    }

    /**
     * Whether a class's name ends in a number after its last {@code $}: the compilers' synthetic
     * classes (javac's switch maps {@code Outer$1}, Kotlin's lambdas compiled as classes {@code
     * MainKt$main$1} and SAM wrappers {@code MainKt$sam$OrderProjection$0}), which are not
     * generated in front of the service's classes, unlike the synthetic classes of frameworks
     * ({@code LedgerEventStore$Intercepted}).
     */
    static boolean numbered(String name) {
        int last = name.lastIndexOf('$');
        if (last < 0 || last == name.length() - 1) {
            return false;
        }
        for (int i = last + 1; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain, byte[] bytes)
            throws IOException {
        ClassFileSummary summary = ClassFileSummary.parse(bytes);
        ClassFileSupertypes classFiles =
                new ClassFileSupertypes(loader, supertypesOf(loader), name, summary, transformer.busy);
        SuperTypeNames.Supertypes supertypes = redefined != null ? new LoadedSupertypes(redefined) : classFiles;
        // First what the class itself declares: a concrete method of a site's name (an interface of a
        // site has nothing to wait for). Most classes have none, and need no walk of their supertypes:
        // that walk, reading the class files of supertypes not loaded yet, was most of the agent's
        // share of a large service's start-up.
        long candidates = 0;
        // A synthetic class with a number for a name is the compiler's (a switch map, a Kotlin
        // lambda compiled as a class): never woven, as a lambda's hidden class cannot be.
        boolean compilers = summary.isSynthetic() && generatedFrom(name) == null && numbered(name);
        for (int index = 0; index < sites.length && !compilers; index++) {
            if (summary.declaresConcreteMethod(targets.get(index).methods())) {
                candidates |= 1L << index;
            }
        }
        long matched = candidates == 0 ? 0 : matchedSites(name, supertypes) & candidates;
        // Frameworks mark the classes they generate synthetic (Quarkus' LedgerEventStore$$CDIWrapper,
        // Micronaut's $AuditProjection$Definition$Intercepted and LedgerEventStore$Intercepted), or
        // name them with $$: those in front of a site class are left to it, those that are the site
        // (a declarative HTTP client) count.
        boolean generated = generatedFrom(name) != null || summary.isSynthetic();
        if (matched != 0 && generated && summary.superName() != null) {
            // In front of a class of the service that is that site itself: counted there, by its own
            // name (see the note on generated classes at generatedFrom).
            matched &= ~matchedSites(summary.superName(), supertypes);
        }
        if (matched != 0 && PROXY.equals(summary.superName())) {
            // A dynamic proxy of a projection interface stands in front of the projection class (a
            // decorator, an interface-based AOP proxy): counted there, by its own name. A proxy that
            // is the store itself (a Spring Data repository) has no class behind it.
            for (int index = 0; index < sites.length; index++) {
                if (targets.get(index).site() == Site.PROJECTION) {
                    matched &= ~(1L << index);
                }
            }
        }
        if (matched == 0 || agentJars.isAgentClass(domain, name, warn)) {
            return null;
        }
        if (!seesBridge(loader)) {
            // The advice calls the bridge: woven, every call of the site would throw NoClassDefFoundError.
            error(name, new IllegalStateException("its class loader " + loader + " does not see "
                    + Kube9Bridge.class.getName() + " (an isolating loader such as OSGi or JBoss Modules: let it "
                    + "delegate the package " + Kube9Bridge.class.getPackageName() + " to the boot loader)"));
            return null;
        }
        if (!awaitAdvice()) {
            if (timeoutReported.compareAndSet(false, true)) {
                warn.accept("the agent's start-up is still not done after " + PREPARE_TIMEOUT_SECONDS
                        + " s; " + name + " loads without advice");
            }
            return null;
        }
        Weaver ready = abandoned ? null : weaver;
        if (ready == null) {
            return null;
        }
        return ready.weave(bytes, matched, instrumentedMethods, this::problem,
                eventType -> isAboutAnObject(eventType.replace('/', '.'), classFiles.withoutLoading()));
    }

    /**
     * Whether a recorder or store parameter declared as {@code typeName} is handed what an event
     * is about rather than an event: an object of the Kubernetes API (fabric8's {@code HasMetadata},
     * the official client's {@code KubernetesObject}) that is not an Event. An operator's recorder
     * often has {@code record(WebApp resource, String reason, String message)}, which builds the
     * Event and hands it to {@code record(Event)}: taken for the event, the resource was counted as
     * an event of type {@code WebApp} and severity {@code unknown}, and the Event not at all.
     */
    private static boolean isAboutAnObject(String typeName, SuperTypeNames.Supertypes supertypes) {
        return !AccessorNames.KUBERNETES_EVENTS.contains(typeName)
                && SuperTypeNames.matchedBits(KUBERNETES_OBJECTS, typeName, supertypes) != 0;
    }

    /** Kotlin's {@code BaseContinuationImpl} with the {@link ResumeHook}, or null (left as it is). */
    private byte[] resumeHook(ClassLoader loader, byte[] bytes) {
        try {
            if (!seesBridge(loader)) {
                return null;
            }
            byte[] hooked = ResumeHook.weave(bytes);
            if (hooked == null) {
                warn.accept(ResumeHook.CLASS.replace('/', '.') + " has no resumption to hook in this Kotlin: "
                        + "a suspend site that tail-calls another suspend function counts when it first returns");
            }
            return hooked;
        } catch (Throwable t) {
            error(ResumeHook.CLASS.replace('/', '.'), t);
            return null;
        }
    }

    /** The supertypes known to {@code loader}, shared by every class it loads. */
    private Map<String, String[]> supertypesOf(ClassLoader loader) {
        synchronized (supertypesByLoader) {
            return supertypesByLoader.computeIfAbsent(loader, unused -> new ConcurrentHashMap<>());
        }
    }

    /** Whether classes of {@code loader} resolve the bridge to ours; once per loader. */
    private boolean seesBridge(ClassLoader loader) {
        Boolean known;
        synchronized (bridgeVisible) {
            known = bridgeVisible.get(loader);
        }
        if (known == null) {
            // Outside the lock: an application's loader may take locks of its own.
            try {
                known = Class.forName(Kube9Bridge.class.getName(), false, loader) == Kube9Bridge.class;
            } catch (ClassNotFoundException e) {
                known = false;
            } catch (LinkageError | RuntimeException e) {
                return false; // a loader still setting up, say: ask again for its next site
            }
            synchronized (bridgeVisible) {
                bridgeVisible.put(loader, known);
            }
        }
        return known;
    }

    /**
     * Waits for {@link #prepare}; an interrupt does not cut the wait short
     * (the site would miss calls), it is kept for the application.
     */
    private boolean awaitAdvice() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PREPARE_TIMEOUT_SECONDS);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return prepared.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void error(String typeName, Throwable t) {
        problem("could not instrument " + typeName + ": " + t);
    }

    /** A class, or a method of it, that loads without advice. */
    private void problem(String description) {
        if (transformationErrors.incrementAndGet() <= 3) {
            warn.accept(description);
        }
    }

    /**
     * Supertypes read from the class files the type's loader serves, each once per loader (see
     * {@link #supertypesByLoader}); for a loader that defines classes it serves no file of (made in
     * memory: a plugin system, a script engine), from the class itself.
     */
    private static final class ClassFileSupertypes implements SuperTypeNames.Supertypes {
        private final ClassLoader loader;
        private final Map<String, String[]> known;
        private final ThreadLocal<Boolean> busy;
        private final String name;
        private final String[] own;

        /**
         * The class's own supertypes are kept for its subclasses when it is an interface or an
         * abstract class, which are there to be supertypes; a concrete class is read once should
         * a subclass need it, so that the classes no one extends (most) take no memory.
         */
        ClassFileSupertypes(ClassLoader loader, Map<String, String[]> known, String name, ClassFileSummary summary,
                ThreadLocal<Boolean> busy) {
            this.loader = loader;
            this.known = known;
            this.busy = busy;
            this.name = name;
            this.own = direct(summary);
            if (summary.isAbstract()) {
                known.put(name, own);
            }
        }

        @Override
        public String[] of(String typeName) {
            return of(typeName, true);
        }

        /**
         * The same walk's supertypes from class files only: for a type the JVM is not about to load
         * as this class's supertype (a site's declared event parameter), which a load here would
         * load without the transformer ({@link #loaded}).
         */
        SuperTypeNames.Supertypes withoutLoading() {
            return typeName -> of(typeName, false);
        }

        private String[] of(String typeName, boolean mayLoad) {
            if (typeName.equals(name)) {
                return own;
            }
            String[] direct = known.get(typeName);
            if (direct == null) {
                direct = read(typeName, mayLoad);
                if (direct != null) { // not found is not kept: the loader may yet define it
                    known.put(typeName, direct);
                }
            }
            return direct;
        }

        /** An unreadable supertype ends the walk on that branch; the JVM reports a missing one itself. */
        private String[] read(String typeName, boolean mayLoad) {
            try (InputStream in = loader.getResourceAsStream(typeName.replace('.', '/') + ".class")) {
                return in != null ? direct(ClassFileSummary.parse(in.readAllBytes()))
                        : mayLoad ? loaded(typeName) : null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /**
         * The supertypes of {@code typeName} as the loader has it loaded, or loads it now, as the
         * JVM would right after this class's transformation: a supertype is loaded first. Only for
         * a loader that serves no class file: a type loaded here, inside this transformation, is
         * not offered to the transformer at all ({@code java.lang.instrument} does not call an
         * agent's transformers again on a thread that is in one), so a supertype that is itself
         * a site and first loads this way stays without advice. Loading every supertype this way
         * instead of reading its class file (the JVM loads it next anyway) cost the Kotlin
         * service's {@code BaseContinuationImpl} its resumption hook (KotlinServiceIT).
         */
        private String[] loaded(String typeName) {
            busy.remove();
            try {
                Class<?> type = Class.forName(typeName, false, loader);
                Class<?>[] interfaces = type.getInterfaces();
                String[] direct = new String[interfaces.length + 1];
                direct[0] = type.getSuperclass() == null ? null : type.getSuperclass().getName();
                for (int i = 0; i < interfaces.length; i++) {
                    direct[i + 1] = interfaces[i].getName();
                }
                return direct;
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                return null; // the JVM says so itself as it links the class
            } finally {
                busy.set(Boolean.TRUE);
            }
        }

        private static String[] direct(ClassFileSummary summary) {
            String[] interfaces = summary.interfaces();
            String[] direct = new String[interfaces.length + 1];
            direct[0] = summary.superName();
            System.arraycopy(interfaces, 0, direct, 1, interfaces.length);
            return direct;
        }
    }

    /** Supertypes of a class already loaded (runtime attach), from the classes themselves. */
    private static final class LoadedSupertypes implements SuperTypeNames.Supertypes {
        private final Map<String, Class<?>> types = new HashMap<>();

        LoadedSupertypes(Class<?> type) {
            types.put(type.getName(), type);
        }

        @Override
        public String[] of(String typeName) {
            Class<?> type = types.get(typeName);
            if (type == null) {
                return null;
            }
            Class<?>[] interfaces = type.getInterfaces();
            String[] direct = new String[interfaces.length + 1];
            Class<?> superclass = type.getSuperclass();
            if (superclass != null) {
                types.put(superclass.getName(), superclass);
                direct[0] = superclass.getName();
            }
            for (int i = 0; i < interfaces.length; i++) {
                types.put(interfaces[i].getName(), interfaces[i]);
                direct[i + 1] = interfaces[i].getName();
            }
            return direct;
        }
    }

    /** The JVM's entry point; never lets anything escape into the class being loaded. */
    private final class Transformer implements ClassFileTransformer {
        /** Reading a supertype's class file can load a class on the same thread: that one is skipped. */
        final ThreadLocal<Boolean> busy = new ThreadLocal<>();

        @Override
        public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                ProtectionDomain domain, byte[] bytes) {
            classesOffered.incrementAndGet();
            if (internalName == null || isIgnored(loader, internalName, IGNORED_INTERNAL) || busy.get() != null) {
                return null;
            }
            if (internalName.equals(ResumeHook.CLASS)) {
                return resumeHook(loader, bytes);
            }
            busy.set(Boolean.TRUE);
            String name = internalName.replace('/', '.');
            try {
                return Instrumenter.this.transform(loader, name, redefined, domain, bytes);
            } catch (Throwable t) {
                error(name, t);
                return null;
            } finally {
                busy.remove();
            }
        }
    }
}
