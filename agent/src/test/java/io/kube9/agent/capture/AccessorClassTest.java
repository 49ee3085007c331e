package io.kube9.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kube9.agent.testevents.HiddenEvents;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Compiled accessors: hidden classes next to the event's class (the JDKs we test on are 15+). */
class AccessorClassTest {
    /** Record-style accessors of every kind of return type. */
    public static final class Order {
        private final Instant at;

        Order(Instant at) {
            this.at = at;
        }

        public String eventType() {
            return "order.created";
        }

        public long sequence() {
            return 42L;
        }

        public int priority() {
            return 7;
        }

        public boolean urgent() {
            return true;
        }

        public double amount() {
            return 12.5;
        }

        public Instant at() {
            return at;
        }
    }

    /** A class that keeps its accessors to its package, one of them inherited. */
    public static class PackageBase {
        String aggregateId() {
            return "base-aggregate";
        }
    }

    public static final class PackageOnly extends PackageBase {
        String id() {
            return "package-id";
        }
    }

    public static final class WithField {
        public long timestamp = 1_714_558_530_123L;
        public final String label = "field-label";
    }

    public static final class Failing {
        public String getEventType() {
            throw new IllegalStateException("the event's own failure");
        }
    }

    @Test
    void recordComponentsOfEveryKindAreReadAndPrimitivesBoxed() throws Exception {
        Instant at = Instant.parse("2024-05-01T10:15:30.123Z");
        Order order = new Order(at);

        assertThat(compiled(Order.class, "eventType").apply(order)).isEqualTo("order.created");
        assertThat(compiled(Order.class, "sequence").apply(order)).isEqualTo(42L);
        assertThat(compiled(Order.class, "priority").apply(order)).isEqualTo(7);
        assertThat(compiled(Order.class, "urgent").apply(order)).isEqualTo(true);
        assertThat(compiled(Order.class, "amount").apply(order)).isEqualTo(12.5);
        assertThat(compiled(Order.class, "at").apply(order)).isSameAs(at);
    }

    @Test
    void publicFieldsAreRead() throws Exception {
        WithField event = new WithField();
        Function<Object, Object> timestamp = AccessorClass.define(WithField.class, WithField.class.getField("timestamp"));
        Function<Object, Object> label = AccessorClass.define(WithField.class, WithField.class.getField("label"));

        assertThat(timestamp.apply(event)).isEqualTo(1_714_558_530_123L);
        assertThat(label.apply(event)).isEqualTo("field-label");
    }

    @Test
    void theAccessorIsAHiddenClassInTheEventsPackageThatNoOneCanFindByName() throws Exception {
        Function<Object, Object> accessor = compiled(Order.class, "eventType");
        Class<?> type = accessor.getClass();

        assertThat((Boolean) Class.class.getMethod("isHidden").invoke(type)).isTrue();
        assertThat(type.getPackageName()).isEqualTo(Order.class.getPackageName());
        assertThat(type.getClassLoader()).isSameAs(Order.class.getClassLoader());
        assertThatThrownBy(() -> Class.forName(type.getName(), false, Order.class.getClassLoader()))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void eventsOfAnotherLoaderThanTheAgentsAreCompiledToo() throws Exception {
        // A service's classes are in the unnamed module of its loader, the agent's in that of its
        // own: there privateLookupIn gives no module access, and defineHiddenClass refused it.
        ClassLoader service = apart(Order.class.getName(), WithField.class.getName());
        Class<?> order = service.loadClass(Order.class.getName());
        Class<?> withField = service.loadClass(WithField.class.getName());
        assertThat(order.getModule()).isNotEqualTo(AccessorClass.class.getModule());
        Object event = withField.getConstructor().newInstance();

        Function<Object, Object> eventType = AccessorClass.define(order, order.getMethod("eventType"));
        Function<Object, Object> label = AccessorClass.define(withField, withField.getField("label"));

        assertThat(eventType).as("compiled, not left to a method handle").isNotNull();
        assertThat(label).isNotNull();
        assertThat(label.apply(event)).isEqualTo("field-label");
        assertThat((Boolean) Class.class.getMethod("isHidden").invoke(eventType.getClass())).isTrue();
        assertThat(eventType.getClass().getClassLoader()).isSameAs(service);
        Class<?> anchor = Class.forName(Order.class.getPackageName() + "." + AccessorClass.ANCHOR, false, service);
        assertThat(anchor.getClassLoader()).as("one class of ours in the package, in the service's loader")
                .isSameAs(service);
        assertThat(anchor.getDeclaredConstructors()).isEmpty();
        assertThat(anchor.getDeclaredMethods()).singleElement()
                .satisfies(method -> assertThat(Modifier.isPrivate(method.getModifiers())).isTrue());
    }

    @Test
    void packagePrivateAccessorsOfTheEventsPackageAreCompiledForAnotherLoaderToo() throws Exception {
        ClassLoader service = apart(PackageBase.class.getName(), PackageOnly.class.getName());
        Class<?> type = service.loadClass(PackageOnly.class.getName());
        Object event = type.getConstructor().newInstance();

        Function<Object, Object> id = AccessorClass.define(type, type.getDeclaredMethod("id"));
        Function<Object, Object> inherited =
                AccessorClass.define(type, type.getSuperclass().getDeclaredMethod("aggregateId"));

        assertThat(id).as("compiled in the event's package").isNotNull();
        assertThat(inherited).as("a superclass of the same package and loader").isNotNull();
        assertThat(id.apply(event)).isEqualTo("package-id");
        assertThat(inherited.apply(event)).isEqualTo("base-aggregate");
        assertThat(id.getClass().getClassLoader()).isSameAs(service);
    }

    @Test
    void aMemberReadBySeveralSitesHasOneCompiledAccessor() throws Exception {
        Function<Object, Object> first = AccessorClass.define(Order.class, Order.class.getMethod("eventType"));
        Function<Object, Object> again = AccessorClass.define(Order.class, Order.class.getMethod("eventType"));
        Function<Object, Object> other = AccessorClass.define(Order.class, Order.class.getMethod("sequence"));

        assertThat(again).isSameAs(first);
        assertThat(other).isNotSameAs(first);
        assertThat(other.apply(new Order(Instant.EPOCH))).isEqualTo(42L);
    }

    @Test
    void theAccessorsOfAnEventClassGoWithItsLoader() throws Exception {
        WeakReference<ClassLoader> service = readThroughALoaderOfItsOwn();

        for (int i = 0; i < 20 && service.get() != null; i++) {
            System.gc();
        }

        assertThat(service.get()).as("the loader, its event class, its anchor and its accessors collected").isNull();
    }

    private static WeakReference<ClassLoader> readThroughALoaderOfItsOwn() throws Exception {
        ClassLoader loader = apart(Order.class.getName());
        Class<?> order = loader.loadClass(Order.class.getName());
        assertThat(AccessorClass.define(order, order.getMethod("eventType"))).isNotNull();
        assertThat(AccessorClass.define(order, order.getMethod("sequence"))).isNotNull();
        return new WeakReference<>(loader);
    }

    @Test
    void aPackagePrivateMethodOfAnotherPackageIsNotCompiled() throws Exception {
        // Order's package cannot call a package-private method of java.lang: left to a method handle (or nothing).
        assertThat(AccessorClass.define(Order.class, Object.class.getDeclaredMethod("clone"))).isNull();
    }

    @Test
    void aChildLoaderWhosePackageAParentLoaderAlsoHasGetsAnAnchorOfItsOwn() throws Exception {
        // The parent's events come first: its anchor, found through the child, is of another runtime package.
        ClassLoader parent = apart(AccessorClassTest.class.getClassLoader(), Order.class.getName());
        ClassLoader child = apart(parent, WithField.class.getName());
        Class<?> order = parent.loadClass(Order.class.getName());
        Class<?> withField = child.loadClass(WithField.class.getName());

        Function<Object, Object> inParent = AccessorClass.define(order, order.getMethod("eventType"));
        Function<Object, Object> inChild = AccessorClass.define(withField, withField.getField("label"));

        assertThat(inParent).isNotNull();
        assertThat(inChild).as("compiled in the child too").isNotNull();
        assertThat(inChild.getClass().getClassLoader()).isSameAs(child);
        assertThat(inChild.apply(withField.getConstructor().newInstance())).isEqualTo("field-label");
    }

    /** A loader of its own that defines the named test classes from their class files (others from the tests'). */
    private static ClassLoader apart(String... names) {
        return apart(AccessorClassTest.class.getClassLoader(), names);
    }

    private static ClassLoader apart(ClassLoader parentLoader, String... names) {
        List<String> own = List.of(names);
        return new ClassLoader(parentLoader) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded != null) {
                        return loaded;
                    }
                    if (!own.contains(name)) {
                        return super.loadClass(name, resolve);
                    }
                    try (InputStream in = AccessorClassTest.class.getClassLoader()
                            .getResourceAsStream(name.replace('.', '/') + ".class")) {
                        byte[] bytes = in.readAllBytes();
                        return defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
            }
        };
    }

    @Test
    void eventsTheAgentsPackagesCannotSeeAreCompiledToo() {
        Object packagePrivate = HiddenEvents.packagePrivate();
        Object inherited = HiddenEvents.inherited();

        Function<Object, Object> type = Accessor.resolve(packagePrivate.getClass(), List.of("eventType"));
        Function<Object, Object> aggregate = Accessor.resolve(inherited.getClass(), List.of("aggregateId"));

        assertThat(type).isNotInstanceOf(Accessor.Handle.class);
        assertThat(type.apply(packagePrivate)).isEqualTo("hidden.happened");
        assertThat(aggregate).isNotInstanceOf(Accessor.Handle.class);
        assertThat(aggregate.apply(inherited)).isEqualTo("base-aggregate");
    }

    @Test
    void theEventsOwnExceptionPassesThroughUnchanged() {
        Function<Object, Object> accessor = Accessor.resolve(Failing.class, List.of("eventType"));

        assertThatThrownBy(() -> accessor.apply(new Failing()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the event's own failure");
    }

    @Test
    void whereNoClassCanBeDefinedAMethodHandleReadsInstead() throws Exception {
        // java.* packages take no classes of ours: the method handle path stays
        assertThat(AccessorClass.define(StringBuilder.class, StringBuilder.class.getMethod("length"))).isNull();
        Function<Object, Object> length = Accessor.resolve(StringBuilder.class, List.of("length"));

        assertThat(length).isInstanceOf(Accessor.Handle.class);
        assertThat(length.apply(new StringBuilder("abc"))).isEqualTo(3);
    }

    private static Function<Object, Object> compiled(Class<?> type, String method) throws NoSuchMethodException {
        Function<Object, Object> accessor = AccessorClass.define(type, type.getMethod(method));
        assertThat(accessor).as("compiled accessor for %s#%s", type.getSimpleName(), method).isNotNull();
        return accessor;
    }
}
