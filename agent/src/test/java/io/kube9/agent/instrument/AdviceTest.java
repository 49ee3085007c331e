package io.kube9.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kube9.agent.bridge.EventSink;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The advice, applied without an agent: each sample class is redefined with the advice exactly
 * as {@link Weaver} binds it, loaded child-first in a fresh class loader, and called.
 * The bridge's sink can be installed once per JVM: {@link TestBridge} delegates to the test's.
 */
class AdviceTest {
    private static final int RECORDER_TARGET = 3;
    private static final int STORE_TARGET = 5;
    private static final int PROJECTION_TARGET = 7;

    private static Class<?> store;
    private static Class<?> recorder;
    private static Class<?> projection;
    private static Class<?> recorderAndStore;

    private final Recording sink = new Recording();

    @BeforeAll
    static void installSinkAndInstrument() {
        TestBridge.install();
        store = instrument(SampleStore.class, StoreAdvice.class, STORE_TARGET,
                namedOneOf("append", "appendEvents", "save", "store", "appendSwallowingAFailure",
                        "appendOnAnotherThread"));
        recorder = instrument(SampleRecorder.class, RecorderAdvice.class, RECORDER_TARGET,
                namedOneOf("record", "recordEvent"));
        projection = instrument(SampleProjection.class, ProjectionAdvice.class, PROJECTION_TARGET,
                namedOneOf("on", "handle", "apply", "project", "processEvent"));
        recorderAndStore = new ByteBuddy().with(TypeValidation.DISABLED)
                .redefine(SampleRecorderAndStore.class)
                .visit(advice(RecorderAdvice.class, RECORDER_TARGET).on(namedOneOf("record")))
                .visit(advice(StoreAdvice.class, STORE_TARGET).on(namedOneOf("store")))
                .make()
                .load(SampleRecorderAndStore.class.getClassLoader(), ClassLoadingStrategy.Default.CHILD_FIRST)
                .getLoaded();
    }

    @BeforeEach
    void record() {
        TestBridge.current = sink;
    }

    @AfterEach
    void stopRecording() {
        TestBridge.current = EventSink.NONE;
    }

    @Test
    void theSampleClassesAreInstrumentedCopiesInTheirOwnClassLoader() {
        assertThat(store.getName()).isEqualTo(SampleStore.class.getName());
        assertThat(store).isNotSameAs(SampleStore.class);
        assertThat(store.getClassLoader()).isNotSameAs(SampleStore.class.getClassLoader());
    }

    // ---- the event argument -------------------------------------------------------------------

    @Test
    void theEventIsTheFirstParameterThatIsNotAPrimitiveStringOrBoxedPrimitive() throws Throwable {
        SampleEvent event = new SampleEvent("e1");
        Object target = newInstance(store);

        Object returned = call(target, "append", types(String.class, long.class, SampleEvent.class),
                "orders-1", 3L, event);

        assertThat(returned).isEqualTo("appended e1 to orders-1@3");
        assertThat(sink.calls).singleElement().satisfies(call -> {
            assertThat(call.kind).isEqualTo("stored");
            assertThat(call.target).isEqualTo(STORE_TARGET);
            assertThat(call.event).isSameAs(event);
        });
    }

    @Test
    void boxedPrimitivesAndCharactersAreSkippedAndADeclaredObjectParameterIsTheEvent() throws Throwable {
        Object target = newInstance(store);

        call(target, "store", types(Integer.class, Character.class, Boolean.class, Object.class), 1, 'x', true, "text");

        assertThat(sink.single().event).isEqualTo("text");
    }

    @Test
    void theEventIsNullWhenThereIsNoEventParameter() throws Throwable {
        call(newInstance(store), "save", types(int.class, String.class), 2, "name");

        assertThat(sink.calls).singleElement().satisfies(call -> {
            assertThat(call.kind).isEqualTo("stored");
            assertThat(call.event).isNull();
        });
    }

    @Test
    void aBatchArgumentIsPassedThroughAsIs() throws Throwable {
        Object target = newInstance(store);
        List<SampleEvent> list = List.of(new SampleEvent("a"), new SampleEvent("b"));
        SampleEvent[] array = {new SampleEvent("c"), new SampleEvent("d")};

        call(target, "appendEvents", types(List.class), list);
        call(target, "appendEvents", types(SampleEvent[].class), (Object) array);

        assertThat(sink.calls).hasSize(2);
        assertThat(sink.calls.get(0).event).isSameAs(list);
        assertThat(sink.calls.get(1).event).isSameAs(array);
    }

    // ---- only the outermost call counts -------------------------------------------------------

    @Test
    void anOverloadDelegatingToAnOverloadCountsOnce() throws Throwable {
        SampleEvent event = new SampleEvent("e2");

        call(newInstance(store), "append", types(SampleEvent.class), event);

        assertThat(sink.calls).singleElement().satisfies(call -> {
            assertThat(call.event).isSameAs(event);
            assertThat(call.source).isEqualTo(SampleStore.class.getName() + "#append");
        });
    }

    @Test
    void recursionCountsOnce() throws Throwable {
        SampleEvent event = new SampleEvent("e3");

        Object depth = call(newInstance(recorder), "recordEvent", types(SampleEvent.class, int.class), event, 5);

        assertThat(depth).isEqualTo(5);
        assertThat(sink.calls).singleElement().satisfies(call -> {
            assertThat(call.kind).isEqualTo("recorded");
            assertThat(call.target).isEqualTo(RECORDER_TARGET);
            assertThat(call.event).isSameAs(event);
        });
    }

    @Test
    void nestedProjectionCallsCountOnce() throws Throwable {
        Object target = newInstance(projection);
        SampleEvent event = new SampleEvent("e4");

        call(target, "apply", types(SampleEvent.class), event);

        assertThat(sink.single().projection).isSameAs(target);
        assertThat(sink.single().thrown).isNull();
    }

    @Test
    void differentSitesNestedInEachOtherEachCount() throws Throwable {
        SampleEvent event = new SampleEvent("e5");

        call(newInstance(recorderAndStore), "record", types(SampleEvent.class), event);

        assertThat(sink.kinds()).containsExactly("stored", "recorded");
        assertThat(sink.calls).allSatisfy(call -> assertThat(call.event).isSameAs(event));
    }

    @Test
    void theDepthIsPerThread() throws Throwable {
        SampleEvent event = new SampleEvent("e6");

        call(newInstance(store), "appendOnAnotherThread", types(SampleEvent.class), event);

        assertThat(sink.calls).hasSize(2);
        assertThat(sink.calls).extracting(call -> call.source).containsExactlyInAnyOrder(
                SampleStore.class.getName() + "#append", SampleStore.class.getName() + "#appendOnAnotherThread");
    }

    // ---- exceptions ---------------------------------------------------------------------------

    @Test
    void anExceptionFromAStoreReachesTheCallerUnchangedAndIsNotCounted() throws Throwable {
        Object target = newInstance(store);

        Throwable thrown = catchThrowable(() -> call(target, "append", types(SampleEvent.class, boolean.class),
                new SampleEvent("x"), true));

        assertThat(thrown).isSameAs(staticField(store, "DISK_FULL"));
        assertThat(sink.calls).isEmpty();

        // the depth counter was unwound: the next call counts again
        call(target, "append", types(SampleEvent.class, boolean.class), new SampleEvent("y"), false);
        assertThat(sink.calls).hasSize(1);
    }

    @Test
    void aCheckedExceptionFromARecorderReachesTheCallerUnchangedAndIsNotCounted() throws Throwable {
        Object target = newInstance(recorder);

        Throwable thrown = catchThrowable(() -> call(target, "record", types(SampleEvent.class, String.class),
                new SampleEvent("x"), "io"));

        assertThat(thrown).isSameAs(staticField(recorder, "IO_FAILURE"));
        assertThat(sink.calls).isEmpty();

        call(target, "record", types(SampleEvent.class, String.class), new SampleEvent("y"), "fine");
        assertThat(sink.calls).hasSize(1);
    }

    @Test
    void anExceptionCaughtInsideAnOuterCallOnlyCountsTheOuterCall() throws Throwable {
        call(newInstance(store), "appendSwallowingAFailure", types(SampleEvent.class), new SampleEvent("z"));

        assertThat(sink.single().source).isEqualTo(SampleStore.class.getName() + "#appendSwallowingAFailure");
    }

    @Test
    void aProjectionReportsWhatItThrewAndTheCallerStillGetsIt() throws Throwable {
        Object target = newInstance(projection);
        SampleEvent event = new SampleEvent("p1");
        long before = System.nanoTime();

        Throwable thrown = catchThrowable(() -> call(target, "handle", types(SampleEvent.class), event));
        long after = System.nanoTime();
        Object failure = staticField(projection, "FAILURE");

        assertThat(thrown).isSameAs(failure);
        assertThat(sink.calls).singleElement().satisfies(call -> {
            assertThat(call.kind).isEqualTo("projected");
            assertThat(call.target).isEqualTo(PROJECTION_TARGET);
            assertThat(call.projection).isSameAs(target);
            assertThat(call.event).isSameAs(event);
            assertThat(call.thrown).isSameAs(failure);
            assertThat(call.startNanos).isBetween(before, after);
        });
    }

    @Test
    void aProjectionThatReturnsReportsItsStartTimeAndNoException() throws Throwable {
        Object target = newInstance(projection);
        List<SampleEvent> batch = List.of(new SampleEvent("p2"), new SampleEvent("p3"));
        long before = System.nanoTime();

        call(target, "processEvent", types(List.class), batch);
        long after = System.nanoTime();

        assertThat(sink.calls).singleElement().satisfies(call -> {
            assertThat(call.projection).isSameAs(target);
            assertThat(call.event).isSameAs(batch);
            assertThat(call.thrown).isNull();
            assertThat(call.startNanos).isBetween(before, after);
        });
    }

    @Test
    void aStaticProjectionMethodReportsItsDeclaringClass() throws Throwable {
        SampleEvent event = new SampleEvent("p4");

        call(null, projection.getMethod("project", SampleEvent.class), event);

        assertThat(sink.single().projection).isSameAs(projection);
        assertThat(sink.single().event).isSameAs(event);
    }

    // ---- a sink that fails --------------------------------------------------------------------

    @Test
    void aSinkThatThrowsNeverReachesTheCaller() throws Throwable {
        TestBridge.current = new Throwing(new IllegalStateException("sink broken"));
        Object storeTarget = newInstance(store);

        assertThat(call(storeTarget, "append", types(String.class, long.class, SampleEvent.class),
                "s", 1L, new SampleEvent("a"))).isEqualTo("appended a to s@1");
        call(newInstance(recorder), "recordEvent", types(SampleEvent.class), new SampleEvent("b"));
        call(newInstance(projection), "on", types(SampleEvent.class), new SampleEvent("c"));

        TestBridge.current = new Throwing(new StackOverflowError("sink very broken"));
        call(newInstance(recorder), "recordEvent", types(SampleEvent.class), new SampleEvent("d"));
    }

    @Test
    void aSinkThatThrowsDoesNotReplaceTheProjectionsOwnException() throws ReflectiveOperationException {
        TestBridge.current = new Throwing(new IllegalStateException("sink broken"));

        Throwable thrown = catchThrowable(() -> call(newInstance(projection), "handle", types(SampleEvent.class),
                new SampleEvent("e")));

        assertThat(thrown).isSameAs(staticField(projection, "FAILURE"));
    }

    @Test
    void aSinkThatThrowsLeavesTheDepthCountersBalanced() throws Throwable {
        TestBridge.current = new Throwing(new IllegalStateException("sink broken"));
        call(newInstance(store), "append", types(SampleEvent.class), new SampleEvent("a"));

        TestBridge.current = sink;
        call(newInstance(store), "append", types(SampleEvent.class), new SampleEvent("b"));

        assertThat(sink.calls).hasSize(1);
    }

    // ---- source -------------------------------------------------------------------------------

    @Test
    void theSourceIsTheClassNameAndMethodName() throws Throwable {
        call(newInstance(recorder), "recordEvent", types(SampleEvent.class), new SampleEvent("a"));
        call(newInstance(store), "save", types(int.class, String.class), 1, "x");

        assertThat(sink.calls).extracting(call -> call.source).containsExactly(
                "io.kube9.agent.instrument.AdviceTest$SampleRecorder#recordEvent",
                "io.kube9.agent.instrument.AdviceTest$SampleStore#save");
    }

    @Test
    void methodsWithoutAdviceAreNotReported() throws Throwable {
        call(newInstance(store), "helper", types(SampleEvent.class), new SampleEvent("a"));

        assertThat(sink.calls).isEmpty();
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** The advice of one target, bound as {@link Weaver} binds it. */
    private static Advice advice(Class<?> adviceClass, int targetIndex) {
        return Weaver.advice(adviceClass, targetIndex);
    }

    private static Class<?> instrument(Class<?> type, Class<?> adviceClass, int targetIndex,
            ElementMatcher<? super MethodDescription> methods) {
        DynamicType.Unloaded<?> unloaded = new ByteBuddy().with(TypeValidation.DISABLED)
                .redefine(type)
                .visit(advice(adviceClass, targetIndex).on(isMethod().and(isDeclaredBy(type)).and(methods)))
                .make();
        return unloaded.load(type.getClassLoader(), ClassLoadingStrategy.Default.CHILD_FIRST).getLoaded();
    }

    private static Object newInstance(Class<?> type) throws ReflectiveOperationException {
        return type.getConstructor().newInstance();
    }

    /** The instrumented copy has its own statics: compare with those, not the originals'. */
    private static Object staticField(Class<?> type, String name) throws ReflectiveOperationException {
        return type.getField(name).get(null);
    }

    private static Class<?>[] types(Class<?>... types) {
        return types;
    }

    private static Object call(Object target, String name, Class<?>[] types, Object... args) throws Throwable {
        return call(target, target.getClass().getMethod(name, types), args);
    }

    private static Object call(Object target, Method method, Object... args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static final class Call {
        final String kind;
        final int target;
        final String source;
        final Object projection;
        final Object event;
        final long startNanos;
        final Throwable thrown;

        Call(String kind, int target, String source, Object projection, Object event, long startNanos,
                Throwable thrown) {
            this.kind = kind;
            this.target = target;
            this.source = source;
            this.projection = projection;
            this.event = event;
            this.startNanos = startNanos;
            this.thrown = thrown;
        }
    }

    private static final class Recording implements EventSink {
        final List<Call> calls = new CopyOnWriteArrayList<>();

        @Override
        public void recorded(int target, String source, Object event) {
            calls.add(new Call("recorded", target, source, null, event, 0, null));
        }

        @Override
        public void stored(int target, String source, Object event) {
            calls.add(new Call("stored", target, source, null, event, 0, null));
        }

        @Override
        public void projected(int target, Object projection, Object event, long startNanos, Throwable thrown) {
            calls.add(new Call("projected", target, null, projection, event, startNanos, thrown));
        }

        Call single() {
            assertThat(calls).hasSize(1);
            return calls.get(0);
        }

        List<String> kinds() {
            return calls.stream().map(call -> call.kind).collect(Collectors.toList());
        }
    }

    private static final class Throwing implements EventSink {
        private final Throwable failure;

        Throwing(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public void recorded(int target, String source, Object event) {
            throwIt();
        }

        @Override
        public void stored(int target, String source, Object event) {
            throwIt();
        }

        @Override
        public void projected(int target, Object projection, Object event, long startNanos, Throwable thrown) {
            throwIt();
        }

        private void throwIt() {
            if (failure instanceof RuntimeException) {
                throw (RuntimeException) failure;
            }
            throw (Error) failure;
        }
    }

    // ---- the sample classes (public: the instrumented copies live in another class loader) ---------

    public static final class SampleEvent {
        public final String id;

        public SampleEvent(String id) {
            this.id = id;
        }
    }

    public static class SampleStore {
        public static final IllegalStateException DISK_FULL = new IllegalStateException("disk full");

        public String append(String stream, long version, SampleEvent event) {
            return "appended " + event.id + " to " + stream + "@" + version;
        }

        public void append(SampleEvent event) {
            append("default", 0L, event);
        }

        public void append(SampleEvent event, boolean fail) {
            if (fail) {
                throw DISK_FULL;
            }
        }

        public void save(int count, String name) {}

        public void store(Integer boxed, Character character, Boolean flag, Object event) {}

        public void appendEvents(List<SampleEvent> events) {}

        public void appendEvents(SampleEvent... events) {}

        public void appendSwallowingAFailure(SampleEvent event) {
            try {
                append(event, true);
            } catch (IllegalStateException expected) {
                // a decorator that retries, say
            }
        }

        public void appendOnAnotherThread(SampleEvent event) throws InterruptedException {
            Thread other = new Thread(() -> append(event));
            other.start();
            other.join();
        }

        public String helper(SampleEvent event) {
            return event.id;
        }
    }

    public static class SampleRecorder {
        public static final IOException IO_FAILURE = new IOException("recorder offline");

        public void recordEvent(SampleEvent event) {}

        public int recordEvent(SampleEvent event, int depth) {
            return depth == 0 ? 0 : 1 + recordEvent(event, depth - 1);
        }

        public void record(SampleEvent event, String message) throws IOException {
            if (message.equals("io")) {
                throw IO_FAILURE;
            }
        }
    }

    public static class SampleProjection {
        public static final IllegalStateException FAILURE = new IllegalStateException("projection failed");
        private final List<Object> seen = Collections.synchronizedList(new ArrayList<>());

        public void on(SampleEvent event) {
            seen.add(event);
        }

        public void handle(SampleEvent event) {
            throw FAILURE;
        }

        public void apply(SampleEvent event) {
            on(event);
            on(event);
        }

        public void processEvent(List<SampleEvent> batch) {
            seen.addAll(batch);
        }

        public static void project(SampleEvent event) {}
    }

    public static class SampleRecorderAndStore {
        public void record(SampleEvent event) {
            store(event);
        }

        public void store(SampleEvent event) {}
    }
}
