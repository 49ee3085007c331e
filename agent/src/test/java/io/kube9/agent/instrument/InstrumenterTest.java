package io.kube9.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.kube9.agent.bridge.EventSink;
import io.kube9.agent.bridge.RecordingSink;
import io.kube9.agent.config.TestConfigs;
import io.kube9.sites.AbstractAuditLog;
import io.kube9.sites.AuditEventRecorder;
import io.kube9.sites.JdbcOrders;
import io.kube9.sites.NotASite;
import io.kube9.sites.OrderEventStore;
import io.kube9.sites.PlainAuditLog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The transformer as the JVM calls it, on the class files of {@code io.kube9.sites}, with a
 * stand-in {@link Instrumentation}: which classes are sites, that a site waits for the advice and
 * the sink while others never wait, and that the woven class reaches the bridge.
 */
class InstrumenterTest {
    private static final int RECORDER = 0;
    private static final int STORE = 1;

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final RecordingSink recording = new RecordingSink();
    private final List<String> calls = recording.calls;
    private final List<Class<?>> retransformed = new ArrayList<>();
    private final ClassLoader agentLoader = new ClassLoader(null) {};
    private final ExecutorService loading = Executors.newSingleThreadExecutor();
    private ClassFileTransformer transformer;
    private Class<?>[] loaded = new Class<?>[0];

    @BeforeAll
    static void bridge() {
        TestBridge.install();
    }

    @AfterEach
    void stop() {
        TestBridge.current = EventSink.NONE;
        loading.shutdownNow();
    }

    @Test
    void aSiteGetsTheAdviceOnceItIsPreparedAndItsCallsReachTheBridge() throws Exception {
        Instrumenter instrumenter = installed(false);
        Future<byte[]> store = loading.submit(() -> transform(JdbcOrders.class));

        Thread.sleep(200);
        assertThat(store).as("a site waits for the weaver").isNotDone();
        instrumenter.prepare();
        byte[] woven = store.get(30, TimeUnit.SECONDS);

        assertThat(woven).isNotNull();
        assertThat(instrumenter.instrumentedMethods()).isEqualTo(1);
        TestBridge.current = recording;
        Object orders = define(JdbcOrders.class, woven).getConstructor().newInstance();
        Object returned = orders.getClass().getMethod("append", Object.class).invoke(orders, "e1");
        assertThat(returned).isEqualTo("appended e1");
        assertThat(calls).containsExactly("stored " + STORE + " io.kube9.sites.JdbcOrders#append e1");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aSiteFoundThroughASuperclassFileIsWovenToo() throws Exception {
        Instrumenter instrumenter = installed(false);
        instrumenter.prepare();

        byte[] woven = transform(PlainAuditLog.class);

        assertThat(woven).isNotNull();
        TestBridge.current = recording;
        Object log = define(PlainAuditLog.class, woven).getConstructor().newInstance();
        log.getClass().getMethod("record", Object.class).invoke(log, "e2");
        assertThat(calls).containsExactly("recorded " + RECORDER + " io.kube9.sites.PlainAuditLog#record e2");
    }

    @Test
    void aSupertypeWhoseLoaderServesNoClassFileIsReadFromTheClassItself() throws Exception {
        // A loader that defines classes from memory (a plugin system, a script engine) serves no
        // .class resources: the walk ended at AbstractAuditLog, and its subclass was no site.
        Instrumenter instrumenter = installed(false);
        instrumenter.prepare();
        ClassLoader inMemory = new ClassLoader(getClass().getClassLoader()) {
            @Override
            public URL getResource(String name) {
                return null;
            }

            @Override
            public InputStream getResourceAsStream(String name) {
                return null;
            }
        };

        byte[] woven = transformer.transform(null, inMemory, "io/kube9/sites/PlainAuditLog", null, null,
                classFile(PlainAuditLog.class));

        assertThat(woven).isNotNull();
        TestBridge.current = recording;
        Object log = define(PlainAuditLog.class, woven).getConstructor().newInstance();
        log.getClass().getMethod("record", Object.class).invoke(log, "e3");
        assertThat(calls).containsExactly("recorded " + RECORDER + " io.kube9.sites.PlainAuditLog#record e3");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aSupertypesClassFileIsReadOnceForEveryClassItsLoaderLoads() throws Exception {
        Instrumenter instrumenter = installed(false);
        instrumenter.prepare();
        List<String> reads = new CopyOnWriteArrayList<>();
        ClassLoader counting = countingReads(reads);

        for (int subclass = 0; subclass < 3; subclass++) { // as three subclasses of one class would
            assertThat(transformer.transform(null, counting, "io/kube9/sites/PlainAuditLog", null, null,
                    classFile(PlainAuditLog.class))).isNotNull();
        }
        assertThat(transformer.transform(null, counting, "io/kube9/sites/AbstractAuditLog", null, null,
                classFile(AbstractAuditLog.class))).as("abstract: nothing to advise").isNull();

        assertThat(reads).as("each once: the superclass, and its interface for the sites it does not match")
                .containsExactly("io/kube9/sites/AbstractAuditLog.class", "io/kube9/sites/AuditEventRecorder.class");
    }

    @Test
    void classesThatAreNoSiteOrHaveNoBodyToAdviseNeverWait() throws Exception {
        installed(false); // never prepared: a site would wait for ever

        for (Class<?> type : List.of(NotASite.class, OrderEventStore.class, AuditEventRecorder.class,
                AbstractAuditLog.class, InstrumenterTest.class)) {
            assertThat(loading.submit(() -> transform(type)).get(10, TimeUnit.SECONDS)).as(type.getName()).isNull();
        }
    }

    @Test
    void aSiteWhoseLoaderCannotSeeTheBridgeIsLeftAloneAndSaysWhy() throws Exception {
        Instrumenter instrumenter = installed(false);
        instrumenter.prepare();
        // The test classes, but not the agent's: an isolating loader, as OSGi bundles have.
        URL testClasses = JdbcOrders.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {testClasses}, null)) {
            byte[] woven = transformer.transform(null, isolated, "io/kube9/sites/JdbcOrders", null, null,
                    classFile(JdbcOrders.class));

            assertThat(woven).isNull();
            assertThat(instrumenter.transformationErrors()).isEqualTo(1);
            assertThat(warnings).singleElement().asString()
                    .contains("io.kube9.sites.JdbcOrders", "does not see io.kube9.agent.bridge.Kube9Bridge");
        }
    }

    @Test
    void aMethodLeftWithoutAdviceIsReportedAndTheRestOfItsClassIsWoven() throws Exception {
        Instrumenter instrumenter = installed(false);
        instrumenter.prepare();
        String name = "io.kube9.generated.LimitsEventStore";

        byte[] woven = transformer.transform(null, getClass().getClassLoader(), name.replace('.', '/'), null, null,
                LimitClassFiles.store(name));

        assertThat(woven).isNotNull();
        assertThat(instrumenter.instrumentedMethods()).isEqualTo(1);
        assertThat(instrumenter.transformationErrors()).isEqualTo(3);
        assertThat(warnings).hasSize(3).allSatisfy(warning -> assertThat(warning).startsWith(name + "#")
                .contains(" is left without advice: with it, ").endsWith(" (the JVM allows 65535)"));
    }

    @Test
    void theBootPlatformAndAgentLoadersAreNeverMatched() throws Exception {
        installed(false);
        byte[] bytes = classFile(JdbcOrders.class);
        String name = "io/kube9/sites/JdbcOrders";

        assertThat(transformer.transform(null, null, name, null, null, bytes)).isNull();
        assertThat(transformer.transform(null, ClassLoader.getPlatformClassLoader(), name, null, null, bytes)).isNull();
        assertThat(transformer.transform(null, agentLoader, name, null, null, bytes)).isNull();
    }

    @Test
    void aSiteInAnotherJavaAgentsJarIsLeftAlone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Instrumenter instrumenter = installed(false);
        instrumenter.prepare();
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", "com.acme.agent.Premain");
        java.nio.file.Path agentJar = dir.resolve("other-agent.jar");
        new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(agentJar), manifest).close();
        java.security.ProtectionDomain fromTheAgent = new java.security.ProtectionDomain(
                new java.security.CodeSource(agentJar.toUri().toURL(), (java.security.cert.Certificate[]) null), null);

        assertThat(transformer.transform(null, JdbcOrders.class.getClassLoader(), "io/kube9/sites/JdbcOrders", null,
                fromTheAgent, classFile(JdbcOrders.class))).isNull();
        assertThat(transformer.transform(null, JdbcOrders.class.getClassLoader(), "io/kube9/sites/JdbcOrders", null,
                fromTheAgent, classFile(JdbcOrders.class))).isNull();
        assertThat(transform(JdbcOrders.class)).as("the same class from the service's classes").isNotNull();
        assertThat(warnings).as("once for the jar").containsExactly("io.kube9.sites.JdbcOrders matches a site but comes"
                + " from " + agentJar + ", a Java agent's jar (its manifest names a Premain-Class or an Agent-Class): its"
                + " classes are not instrumented");
    }

    @Test
    void aFrameworksGeneratedSubclassInFrontOfASiteIsLeftToTheClassBehindIt() throws Exception {
        Instrumenter instrumenter = installed(false);
        instrumenter.prepare();

        for (String name : List.of("io/kube9/sites/JdbcOrders$$SpringCGLIB$$0",
                "io/kube9/sites/JdbcOrders$$EnhancerBySpringCGLIB$$5f1e2a", "io/kube9/sites/JdbcOrders$$EnhancerByGuice$$1",
                "io/kube9/sites/JdbcOrders$HibernateProxy$Xk2", "io/kube9/sites/JdbcOrders$ByteBuddy$abc",
                "io/kube9/sites/JdbcOrders$MockitoMock$123", "io/kube9/sites/JdbcOrders_Subclass",
                "io/kube9/sites/JdbcOrders_ClientProxy", "io/kube9/sites/$JdbcOrders$Definition$Intercepted")) {
            byte[] bytes = generated(name, "io/kube9/sites/JdbcOrders"); // a subclass, as frameworks make them
            assertThat(transformer.transform(null, JdbcOrders.class.getClassLoader(), name, null, null, bytes))
                    .as(name).isNull();
        }
        assertThat(transform(JdbcOrders.class)).as("the class behind").isNotNull();
        for (String name : List.of("io/kube9/sites/OrderEventStore$MockitoMock$456",
                "io/kube9/sites/Producers_ProducerMethod_store_0a1b_ClientProxy",
                "io/kube9/sites/OrderEventStore$Proxy$_$$_WeldClientProxy", "io/kube9/sites/OrderEventStore$ByteBuddy$7")) {
            byte[] bytes = generated(name, "java/lang/Object", "io/kube9/sites/OrderEventStore"); // of the interface
            assertThat(transformer.transform(null, JdbcOrders.class.getClassLoader(), name, null, null, bytes))
                    .as(name).isNull();
        }
    }

    @Test
    void aGeneratedClassThatIsTheSiteItselfIsWovenUnderTheNameItWasMadeFrom() throws Exception {
        // Quarkus makes a REST client's implementation at build time, Micronaut a declarative
        // client's: nothing of the service's behind them, both synthetic.
        assertWovenAsTheStore("io/kube9/sites/OrderEventStore$$QuarkusRestClientInterface",
                generated("io/kube9/sites/OrderEventStore$$QuarkusRestClientInterface", "io/kube9/sites/NotASite",
                        "io/kube9/sites/OrderEventStore"));
        // a marker interface first: the source is still the interface the class is named after
        assertWovenAsTheStore("io/kube9/sites/OrderEventStore$Intercepted",
                generated("io/kube9/sites/OrderEventStore$Intercepted", "java/lang/Object", "java/io/Serializable",
                        "io/kube9/sites/OrderEventStore"));
    }

    private void assertWovenAsTheStore(String name, byte[] bytes) throws Exception {
        Instrumenter instrumenter = installed(false);
        instrumenter.prepare();

        byte[] woven = transformer.transform(null, JdbcOrders.class.getClassLoader(), name, null, null, bytes);

        assertThat(woven).as(name).isNotNull();
        assertThat(instrumenter.instrumentedMethods()).isEqualTo(1);
        assertThat(new String(woven, java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("the journal's source").contains("io.kube9.sites.OrderEventStore#append")
                .doesNotContain(name.substring(name.lastIndexOf('/') + 1) + "#append");
    }

    @Test
    void aCompilersSyntheticClassIsNotWoven() throws Exception {
        // Kotlin's lambdas compiled as classes and its SAM wrappers: numbered, synthetic, the compiler's.
        Instrumenter instrumenter = installed(false);
        instrumenter.prepare();
        for (String name : List.of("io/kube9/sites/OrdersKt$main$1", "io/kube9/sites/OrdersKt$sam$OrderEventStore$0")) {
            byte[] bytes = generated(name, "java/lang/Object", "io/kube9/sites/OrderEventStore");
            assertThat(transformer.transform(null, JdbcOrders.class.getClassLoader(), name, null, null, bytes))
                    .as(name).isNull();
        }
        assertThat(instrumenter.instrumentedMethods()).isZero();
        assertThat(Instrumenter.numbered("a/B$1")).isTrue();
        assertThat(Instrumenter.numbered("a/B$Intercepted")).isFalse();
        assertThat(Instrumenter.numbered("a/B")).isFalse();
    }

    @Test
    void aClassThatDeclaresNoMethodOfASitesNamesIsNotWalked() throws Exception {
        Instrumenter instrumenter = installed(false);
        instrumenter.prepare();
        List<String> reads = new CopyOnWriteArrayList<>();
        ClassLoader counting = countingReads(reads);
        String name = "io/kube9/sites/AuditTrail"; // extends a recorder's superclass, with methods of other names
        byte[] bytes = generated(name, "io/kube9/sites/PlainAuditLog");

        assertThat(transformer.transform(null, counting, name, null, null, renamed(bytes, "append", "summary")))
                .isNull();

        assertThat(reads).as("no supertype read for a class that has nothing to weave").isEmpty();
    }

    /** A loader of the tests' classes that notes each resource it is asked for. */
    private ClassLoader countingReads(List<String> reads) {
        return new ClassLoader(getClass().getClassLoader()) {
            @Override
            public InputStream getResourceAsStream(String name) {
                reads.add(name);
                return super.getResourceAsStream(name);
            }
        };
    }

    /**
     * A class as a framework generates one (synthetic, as Quarkus marks them): {@code superName} and
     * {@code interfaces}, a constructor, and {@code public String append(Object)}.
     */
    private static byte[] generated(String name, String superName, String... interfaces) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC, name, null, superName,
                interfaces);
        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, superName, "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor append = writer.visitMethod(Opcodes.ACC_PUBLIC, "append", "(Ljava/lang/Object;)Ljava/lang/String;",
                null, null);
        append.visitCode();
        append.visitLdcInsn("generated");
        append.visitInsn(Opcodes.ARETURN);
        append.visitMaxs(0, 0);
        append.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /** The same class file with every method named {@code from} named {@code to}. */
    private static byte[] renamed(byte[] classFile, String from, String to) {
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return super.visitMethod(access, name.equals(from) ? to : name, descriptor, signature, exceptions);
            }
        }, 0);
        return writer.toByteArray();
    }

    @Test
    void proxyClassesAreTheApplicationsInWhicheverPackageTheJdkNamesThem() {
        // A Spring Data repository named OrderEventStore is a proxy, jdk.proxy2.$Proxy117.
        Class<?> proxy = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Runnable.class},
                (self, method, arguments) -> null).getClass();
        for (String name : List.of(proxy.getName(), "jdk.proxy1.$Proxy0", "jdk/proxy12/$Proxy345",
                "com.sun.proxy.$Proxy7", "com/sun/proxy/$Proxy7")) {
            assertThat(SuperTypeNames.isProxy(name)).as(name).isTrue();
            assertThat(SuperTypeNames.isJdk(name)).as(name).isFalse();
        }
        for (String name : List.of("jdk.internal.misc.Unsafe", "jdk.proxy", "jdk.proxyfoo.Bar$Proxy",
                "com.sun.proxy.Other", "java.lang.reflect.Proxy", "com.sun.net.httpserver.HttpServer")) {
            assertThat(SuperTypeNames.isProxy(name)).as(name).isFalse();
            assertThat(SuperTypeNames.isJdk(name)).as(name).isTrue();
        }
    }

    @Test
    void anAbandonedStartLetsWaitingSitesLoadAsTheyAre() throws Exception {
        Instrumenter instrumenter = installed(false);
        Future<byte[]> store = loading.submit(() -> transform(JdbcOrders.class));
        Thread.sleep(100);

        instrumenter.abandon();

        assertThat(store.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void onAttachTheLoadedSitesAreRetransformed() {
        Instrumenter instrumenter = installed(true);
        loaded = new Class<?>[] {String.class, NotASite.class, OrderEventStore.class, JdbcOrders.class,
            PlainAuditLog.class, InstrumenterTest.class, int[].class};
        instrumenter.prepare();

        instrumenter.retransformLoaded();

        // the interface is retransformed too; the transformer then finds nothing to advise in it
        assertThat(retransformed).containsExactly(OrderEventStore.class, JdbcOrders.class, PlainAuditLog.class);
    }

    @Test
    void aClassFileSummaryReadsTheSupertypesAndTheMethods() throws IOException {
        ClassFileSummary summary = ClassFileSummary.parse(classFile(NotASite.class));

        assertThat(summary.superName()).isEqualTo("java.util.ArrayList");
        assertThat(summary.interfaces()).containsExactly("java.lang.Comparable");
        assertThat(summary.isSynthetic()).isFalse();
        assertThat(summary.declaresConcreteMethod(List.of("save", "append"))).isTrue();
        assertThat(summary.declaresConcreteMethod(List.of("store"))).isFalse();
        assertThat(ClassFileSummary.parse(classFile(OrderEventStore.class)).declaresConcreteMethod(List.of("append")))
                .as("abstract").isFalse();
        assertThat(ClassFileSummary.parse(classFile(Object.class)).superName()).isNull();
    }

    // ---- helpers --------------------------------------------------------------------------------

    private Instrumenter installed(boolean attach) {
        Instrumenter instrumenter = new Instrumenter(Targets.from(TestConfigs.defaults()), warnings::add);
        Instrumentation instrumentation = (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "addTransformer": transformer = (ClassFileTransformer) args[0]; return null;
                        case "removeTransformer": return true;
                        case "isRetransformClassesSupported": case "isModifiableClass":
                            return !(args != null && ((Class<?>) args[0]).isPrimitive());
                        case "getAllLoadedClasses": return loaded;
                        case "retransformClasses": retransformed.add(((Class<?>[]) args[0])[0]); return null;
                        default: throw new UnsupportedOperationException(method.getName());
                    }
                });
        instrumenter.install(instrumentation, agentLoader, attach);
        return instrumenter;
    }

    private byte[] transform(Class<?> type) throws Exception {
        return transformer.transform(null, type.getClassLoader(), type.getName().replace('.', '/'), null,
                type.getProtectionDomain(), classFile(type));
    }

    private static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    /** The woven copy, in a loader of its own; its supertypes come from the test's loader. */
    private static Class<?> define(Class<?> type, byte[] bytes) {
        return new ClassLoader(type.getClassLoader()) {
            Class<?> load() {
                return defineClass(type.getName(), bytes, 0, bytes.length);
            }
        }.load();
    }

}
