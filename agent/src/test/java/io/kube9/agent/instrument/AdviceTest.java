package io.kube9.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kube9.agent.bridge.EventSink;
import io.kube9.agent.capture.AccessorNames;
import io.kube9.agent.config.TestConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The advice, applied without an agent: each sample class is woven by {@link Weaver} as the
 * transformer would, defined in a fresh class loader (so the JVM verifies the result), and called.
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
    static void installSinkAndInstrument() throws IOException {
        TestBridge.install();
        store = instrument(SampleStore.class, STORE_TARGET);
        recorder = instrument(SampleRecorder.class, RECORDER_TARGET);
        projection = instrument(SampleProjection.class, PROJECTION_TARGET);
        recorderAndStore = instrument(SampleRecorderAndStore.class, RECORDER_TARGET, STORE_TARGET);
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

    @Test
    void everyCallOfAThreadCarriesItsNumberAndAnotherThreadHasAnother() throws Throwable {
        Object target = newInstance(store);
        Class<?>[] append = types(String.class, long.class, SampleEvent.class);
        call(target, "append", append, "orders-1", 1L, new SampleEvent("e1"));
        call(target, "append", append, "orders-1", 2L, new SampleEvent("e2"));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                call(target, "append", append, "orders-2", 1L, new SampleEvent("e3"));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        other.start();
        other.join();

        assertThat(failure.get()).isNull();
        assertThat(sink.calls).hasSize(3);
        assertThat(sink.calls.get(0).thread).isNotNegative().isEqualTo(sink.calls.get(1).thread);
        assertThat(sink.calls.get(2).thread).isNotNegative().isNotEqualTo(sink.calls.get(0).thread);
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
    void aCallWithoutAnEventLetsTheCallItReachesCountWithTheRealEvent() throws Throwable {
        Object target = newInstance(recorder);

        call(target, "record", types(String.class, levelType()), "order.created", level("WARNING"));

        assertThat(sink.calls).singleElement().satisfies(call -> {
            assertThat(call.event).isInstanceOf(SampleEvent.class);
            assertThat(((SampleEvent) call.event).id).isEqualTo("order.created:WARNING");
            assertThat(call.source).isEqualTo(SampleRecorder.class.getName() + "#recordEvent");
        });
    }

    @Test
    void aCallWithOnlyStringsLetsEachCallItReachesCount() throws Throwable {
        call(newInstance(recorder), "record", types(String.class, String.class), "first", "second");

        assertThat(sink.calls).extracting(call -> ((SampleEvent) call.event).id).containsExactly("first", "second");
    }

    @Test
    void aCallWithoutAnEventThatReachesNoOtherCountsItselfWithWhatItHas() throws Throwable {
        Object target = newInstance(recorder);
        Object info = level("INFO");

        call(target, "record", types(levelType()), info);
        call(target, "recordEvent", types(levelType(), String.class), info, "nested: counts once");

        assertThat(sink.calls).hasSize(2).allSatisfy(call -> assertThat(call.event).isSameAs(info));
        assertThat(sink.calls.get(1).source).isEqualTo(SampleRecorder.class.getName() + "#record");
    }

    @Test
    void aCallWithoutAnEventInsideOneWithAnEventDoesNotCount() throws Throwable {
        SampleEvent event = new SampleEvent("outer");

        call(newInstance(recorder), "record", types(SampleEvent.class, levelType()), event, level("INFO"));

        assertThat(sink.calls).singleElement().satisfies(call -> assertThat(call.event).isSameAs(event));
    }

    @Test
    void aCallWithoutAnEventCountsItselfWhenTheCallItReachedFailed() throws Throwable {
        Object info = level("INFO");

        call(newInstance(recorder), "record", types(levelType(), String.class), info, "order.created");

        assertThat(sink.calls).singleElement().satisfies(call -> assertThat(call.event).isSameAs(info));
    }

    @Test
    void aParameterDeclaredAsWhatAnEventIsAboutLetsTheCallItReachesCountWithTheEvent() throws Throwable {
        byte[] woven = new Weaver(TARGETS).weave(classFile(SampleRecorder.class), 1L << RECORDER_TARGET,
                new AtomicInteger(), reason -> { }, type -> type.endsWith("$SampleSubject"));
        Class<?> aware = define(SampleRecorder.class.getName(), woven, SampleRecorder.class.getClassLoader());
        SampleSubject pod = new SampleSubject("web-1");

        call(newInstance(aware), "record", types(SampleSubject.class, String.class), pod, "BackOff");
        call(newInstance(recorder), "record", types(SampleSubject.class, String.class), pod, "BackOff");

        assertThat(sink.calls).hasSize(2);
        assertThat(sink.calls.get(0).event).as("the event it built").isInstanceOf(SampleEvent.class)
                .satisfies(event -> assertThat(((SampleEvent) event).id).isEqualTo("web-1:BackOff"));
        assertThat(sink.calls.get(0).source).isEqualTo(SampleRecorder.class.getName() + "#recordEvent");
        assertThat(sink.calls.get(1).event).as("taken for the event where the type is not known for one")
                .isSameAs(pod);
    }

    private static Class<?> levelType() throws ClassNotFoundException {
        return Class.forName(SampleRecorder.Level.class.getName(), true, recorder.getClassLoader());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object level(String name) throws ClassNotFoundException {
        return Enum.valueOf((Class) levelType(), name);
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

    @Test
    void aStackOverflowDeepInARecursionThroughASiteReachesTheCallerUnchangedAndLeavesTheDepthsBalanced()
            throws Throwable {
        Object projectionTarget = newInstance(projection);
        Object storeTarget = newInstance(store);
        SampleEvent event = new SampleEvent("deep");
        Class<?>[] deep = types(SampleEvent.class, int.class);
        // The overflow hits another instruction at each starting depth: in the method, or in the advice's calls.
        for (int frames = 0; frames < 40; frames++) {
            for (Object target : List.of(projectionTarget, storeTarget)) {
                String method = target == storeTarget ? "appendDeep" : "on";
                Field deepest = target.getClass().getField("deepest");
                deepest.set(null, null);
                sink.calls.clear();

                int below = frames;
                Throwable thrown = catchThrowable(() -> atStackDepth(below,
                        () -> call(target, method, deep, event, Integer.MAX_VALUE)));
                Object returned = call(target, method, deep, event, 3);

                assertThat(thrown).as("the method's own error, at %d frames", frames)
                        .isInstanceOf(StackOverflowError.class).isSameAs(deepest.get(null));
                assertThat(thrown.getStackTrace()).as("lines, the advice's entry's too")
                        .filteredOn(frame -> frame.getMethodName().equals(method))
                        .allSatisfy(frame -> assertThat(frame.getLineNumber()).isPositive());
                assertThat(returned).isEqualTo(3);
                if (target == storeTarget) {
                    assertThat(sink.kinds()).as("only the call that returned").containsExactly("stored");
                } else {
                    assertThat(sink.calls).as("the failed call, then the one that returned").hasSize(2);
                    assertThat(sink.calls.get(0).thrown).isSameAs(thrown);
                    assertThat(sink.calls.get(1).thrown).isNull();
                }
            }
        }
    }

    private static void atStackDepth(int frames, ThrowingCallable then) throws Throwable {
        if (frames == 0) {
            then.call();
        } else {
            atStackDepth(frames - 1, then);
        }
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

    // ---- shapes of method the weaving must keep valid ------------------------------------------

    @Test
    void everyReturnTypeAndParameterWidthKeepsItsValue() throws Throwable {
        Object target = newInstance(store);
        SampleEvent event = new SampleEvent("w");

        assertThat(call(target, "appendLong", types(long.class, SampleEvent.class, double.class), 40L, event, 2.5))
                .isEqualTo(42L);
        assertThat(call(target, "appendDouble", types(SampleEvent.class, double.class), event, 1.25)).isEqualTo(2.5);
        assertThat(call(target, "appendFloat", types(float.class, SampleEvent.class), 1.5f, event)).isEqualTo(3.0f);
        assertThat((int[]) call(target, "appendArray", types(int.class, SampleEvent.class), 3, event))
                .containsExactly(0, 1, 2);
        assertThat(call(target, "appendWide", types(long.class, double.class, SampleEvent.class, long.class),
                1L, 2.0, event, 3L)).isEqualTo("w:6");
        assertThat(call(null, store.getMethod("appendStatic", long.class, SampleEvent.class), 7L, event))
                .isEqualTo("w@7");

        assertThat(sink.calls).hasSize(6).allSatisfy(call -> assertThat(call.event).isSameAs(event));
    }

    @Test
    void aMethodThatBeginsWithALoopKeepsItsFrames() throws Throwable {
        SampleEvent event = new SampleEvent("loop");

        assertThat(call(newInstance(store), "appendAfterALoop", types(int.class, SampleEvent.class), 4, event))
                .isEqualTo(6);
        assertThat(sink.single().event).isSameAs(event);
    }

    @Test
    void tryFinallySwitchAndSynchronizedMethodsBehaveAsBefore() throws Throwable {
        Object target = newInstance(store);
        SampleEvent event = new SampleEvent("s");

        assertThat(call(target, "appendWithFinally", types(SampleEvent.class, boolean.class), event, false))
                .isEqualTo("ok");
        assertThat(catchThrowable(() -> call(target, "appendWithFinally", types(SampleEvent.class, boolean.class),
                event, true))).isSameAs(staticField(store, "DISK_FULL"));
        assertThat(staticField(store, "finallyRuns")).isEqualTo(2);
        assertThat(call(target, "appendSwitch", types(SampleEvent.class, int.class), event, 1)).isEqualTo("one");
        assertThat(call(target, "appendSwitch", types(SampleEvent.class, int.class), event, 2)).isEqualTo("two");
        assertThat(call(target, "appendSwitch", types(SampleEvent.class, int.class), event, 9)).isEqualTo("many");
        assertThat(catchThrowable(() -> call(target, "appendSynchronized", types(SampleEvent.class), event)))
                .isSameAs(staticField(store, "DISK_FULL"));
        assertThat(Thread.holdsLock(target)).as("the monitor is released").isFalse();

        assertThat(sink.kinds()).containsExactly("stored", "stored", "stored", "stored");
    }

    @Test
    void theEventReportedIsTheArgumentAsPassedEvenIfTheMethodReassignsItsParameter() throws Throwable {
        SampleEvent event = new SampleEvent("original");

        assertThat(call(newInstance(store), "appendReassigning", types(SampleEvent.class), event))
                .isEqualTo("replaced");
        assertThat(sink.single().event).isSameAs(event);
    }

    @Test
    void aMethodThatIsTwoKindsOfSiteReportsBothAndUnwindsBothOnAnException() throws Throwable {
        Object target = newInstance(recorderAndStore);
        SampleEvent event = new SampleEvent("both");

        assertThat(call(target, "both", types(SampleEvent.class, boolean.class), event, false)).isEqualTo("both");
        assertThat(sink.kinds()).containsExactlyInAnyOrder("stored", "recorded");
        assertThat(sink.calls).allSatisfy(call -> assertThat(call.event).isSameAs(event));

        sink.calls.clear();
        assertThat(catchThrowable(() -> call(target, "both", types(SampleEvent.class, boolean.class), event, true)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(sink.calls).isEmpty();
        call(target, "both", types(SampleEvent.class, boolean.class), event, false);
        assertThat(sink.kinds()).as("depths unwound").containsExactlyInAnyOrder("stored", "recorded");
    }

    @Test
    void noExitCallIsCoveredByAHandlerThatRunsAnExitSoAFailingExitNeverRunsTwice() throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        for (byte[] woven : List.of(weave(classFile(SampleStore.class), STORE_TARGET),
                weave(classFile(SampleProjection.class), PROJECTION_TARGET))) {
            new ClassReader(woven).accept(new ExitCallCoverage(checked, problems), 0);
        }

        assertThat(checked).contains("append", "appendWithFinally", "appendSwitch", "appendDeep", "handle", "on");
        assertThat(problems).isEmpty();
    }

    /** Finds the exit calls of each method inside a range whose handler calls an exit itself. */
    private static final class ExitCallCoverage extends ClassVisitor {
        private final List<String> checked;
        private final List<String> problems;

        ExitCallCoverage(List<String> checked, List<String> problems) {
            super(Opcodes.ASM9);
            this.checked = checked;
            this.problems = problems;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
                private final Map<Label, Integer> at = new HashMap<>();
                private final List<Label[]> entries = new ArrayList<>();
                private final List<Integer> exits = new ArrayList<>();
                /** Where the code stops going on: a throw or a return. */
                private final List<Integer> ends = new ArrayList<>();
                private int index;

                @Override
                public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                    entries.add(new Label[] {start, end, handler});
                }

                @Override
                public void visitLabel(Label label) {
                    at.put(label, index);
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                    if (owner.equals(SiteAdvice.BRIDGE) && method.endsWith("Exit")) {
                        exits.add(index);
                    }
                    index++;
                }

                @Override
                public void visitInsn(int opcode) {
                    if (opcode == Opcodes.ATHROW || (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN)) {
                        ends.add(index);
                    }
                    index++;
                }

                @Override
                public void visitVarInsn(int opcode, int slot) {
                    index++;
                }

                @Override
                public void visitEnd() {
                    if (exits.isEmpty()) {
                        return; // not woven
                    }
                    checked.add(name);
                    for (Label[] entry : entries) {
                        if (!runsAnExit(at.get(entry[2]))) {
                            continue;
                        }
                        for (int exit : exits) {
                            if (exit >= at.get(entry[0]) && exit < at.get(entry[1])) {
                                problems.add(name + descriptor + ": exit call at " + exit + " inside "
                                        + at.get(entry[0]) + ".." + at.get(entry[1]));
                            }
                        }
                    }
                }

                private boolean runsAnExit(int handler) {
                    int end = ends.stream().filter(e -> e >= handler).findFirst().orElse(Integer.MAX_VALUE);
                    return exits.stream().anyMatch(exit -> exit >= handler && exit < end);
                }
            };
        }
    }

    @ParameterizedTest(name = "class file version {0}")
    @ValueSource(ints = {Opcodes.V1_4, Opcodes.V1_5, Opcodes.V1_6})
    void classFilesOfOldJavaVersionsWithoutFramesAreWovenToo(int version) throws Throwable {
        String name = "io.kube9.generated.OldStoreV" + version;
        Class<?> type = define(name, weave(OldClassFiles.store(name, version), STORE_TARGET, PROJECTION_TARGET),
                AdviceTest.class.getClassLoader());
        Object target = type.getConstructor().newInstance();
        SampleEvent event = new SampleEvent("old");

        call(target, type.getMethod("append", Object.class), event);
        call(target, type.getMethod("append", Object.class), (Object) null);
        call(null, type.getMethod("on", Object.class), event);

        assertThat(sink.kinds()).containsExactly("stored", "stored", "projected");
        assertThat(sink.calls.get(0).event).isSameAs(event);
        assertThat(sink.calls.get(2).projection).isSameAs(type);
    }

    @Test
    void aMethodTheAdviceWouldTakePastALimitOfTheJvmIsLeftAsItIsAndTheClassStillLoads() throws Throwable {
        String name = "io.kube9.generated.LimitsStore";
        List<String> leftAlone = new ArrayList<>();
        AtomicInteger wovenMethods = new AtomicInteger();
        Class<?> type = define(name, weave(LimitClassFiles.store(name), leftAlone, wovenMethods, STORE_TARGET),
                AdviceTest.class.getClassLoader());
        Object target = type.getConstructor().newInstance();

        assertThat(call(target, type.getMethod("save", Object.class), "e1")).isEqualTo("e1");
        assertThat(call(target, type.getMethod("append", Object.class), "e2")).isEqualTo("e2");
        assertThat(call(target, type.getMethod("appendEvents", Object.class, int.class), "e3", 1))
                .isEqualTo(1 + LimitClassFiles.INCREMENTS);
        AtomicReference<Object> stored = new AtomicReference<>();
        Thread bigStack = new Thread(null, () -> {
            try {
                stored.set(call(target, type.getMethod("store", Object.class), "e4"));
            } catch (Throwable t) {
                stored.set(t);
            }
        }, "big stack", 64 << 20);
        bigStack.start();
        bigStack.join();
        assertThat(stored.get()).as("no frame of 65530 stack entries on the test's own thread").isEqualTo("e4");

        assertThat(sink.calls).as("the one method woven").extracting(call -> call.event).containsExactly("e1");
        assertThat(wovenMethods.get()).isEqualTo(1);
        String why = " is left without advice: with it, ";
        assertThat(leftAlone).hasSize(3).contains(
                name + "#append(Ljava/lang/Object;)Ljava/lang/Object;" + why
                        + "it would need 65536 local variable slots (the JVM allows 65535)",
                name + "#store(Ljava/lang/Object;)Ljava/lang/Object;" + why
                        + "its operand stack would need 65538 entries (the JVM allows 65535)");
        assertThat(leftAlone).anySatisfy(problem -> assertThat(problem).matches(Pattern.quote(
                name + "#appendEvents(Ljava/lang/Object;I)I" + why + "its code would take ")
                + "65[5-9][0-9]{2} bytes \\(the JVM allows 65535\\)"));
    }

    @Test
    void aMethodTheAdviceWouldTakePastWhatTheJitCompilesIsLeftAsItIs() throws Throwable {
        String name = "io.kube9.generated.CompiledStore";
        List<String> leftAlone = new ArrayList<>();
        Class<?> type = define(name, weave(LimitClassFiles.compiledStore(name), leftAlone, new AtomicInteger(),
                STORE_TARGET), AdviceTest.class.getClassLoader());
        Object target = type.getConstructor().newInstance();

        assertThat(call(target, type.getMethod("append", Object.class, int.class), "e1", 0)).isEqualTo(2_663);
        assertThat(call(target, type.getMethod("save", Object.class, int.class), "e2", 0)).isEqualTo(2_700);
        assertThat(call(target, type.getMethod("store", Object.class, int.class), "e3", 0)).isEqualTo(1);

        assertThat(sink.calls).as("already too big to compile, and small").extracting(call -> call.event)
                .containsExactly("e2", "e3");
        assertThat(leftAlone).singleElement().asString().matches(Pattern.quote(name
                + "#append(Ljava/lang/Object;I)I is left without advice: with it, its code would take ")
                + "80[0-9]{2}" + Pattern.quote(" bytes, more than the 8000 the JIT compiles (HotSpot's "
                + "DontCompileHugeMethods): it would run interpreted"));
    }

    @Test
    void aMethodThatTwoTargetsOfOneSiteMatchIsAdvisedByTheLaterOneAlone() throws Throwable {
        AccessorNames accessors = AccessorNames.from(TestConfigs.defaults());
        Targets conventionalThenPreset = Targets.of(List.of(
                new Target(Site.STORE, List.of("*Store"), List.of("append"), accessors, null),
                new Target(Site.STORE, List.of("*Store"), List.of("append"), accessors, null)));
        List<String> leftAlone = new ArrayList<>();
        AtomicInteger wovenMethods = new AtomicInteger();
        byte[] woven = new Weaver(conventionalThenPreset).weave(classFile(SampleStore.class), 0b11, wovenMethods,
                leftAlone::add);
        Class<?> type = define(SampleStore.class.getName(), woven, SampleStore.class.getClassLoader());
        SampleEvent event = new SampleEvent("e1");

        call(newInstance(type), "append", types(String.class, long.class, SampleEvent.class), "orders-1", 3L, event);

        assertThat(leftAlone).isEmpty();
        assertThat(sink.calls).singleElement().satisfies(call -> {
            assertThat(call.kind).isEqualTo("stored");
            assertThat(call.target).as("the later target's").isEqualTo(1);
            assertThat(call.event).isSameAs(event);
        });
    }

    // ---- helpers --------------------------------------------------------------------------------

    /**
     * Targets at the indexes the tests use; the methods each site's target names are those of
     * the sample classes.
     */
    static final Targets TARGETS = targets();

    private static Targets targets() {
        AccessorNames accessors = AccessorNames.from(TestConfigs.defaults());
        List<Target> all = new ArrayList<>();
        for (int index = 0; index < 8; index++) {
            all.add(new Target(Site.STORE, List.of("Unused"), List.of("unused"), accessors, null));
        }
        all.set(RECORDER_TARGET, new Target(Site.RECORDER, List.of("*Recorder"),
                List.of("record", "recordEvent", "both"), accessors, null));
        all.set(STORE_TARGET, new Target(Site.STORE, List.of("*Store"), List.of("append", "appendEvents", "save",
                "store", "appendSwallowingAFailure", "appendOnAnotherThread", "both", "appendAfterALoop",
                "appendLong", "appendDouble", "appendFloat", "appendArray", "appendWithFinally", "appendSwitch",
                "appendSynchronized", "appendReassigning", "appendStatic", "appendWide", "appendDeep"), accessors, null));
        all.set(PROJECTION_TARGET, new Target(Site.PROJECTION, List.of("*Projection"),
                List.of("on", "handle", "apply", "project", "processEvent"), accessors, null));
        return Targets.of(all);
    }

    /** The woven copy of {@code type} (each target's bit set), child-first in a loader of its own. */
    static Class<?> instrument(Class<?> type, int... targetIndexes) throws IOException {
        return define(type.getName(), weave(classFile(type), targetIndexes), type.getClassLoader());
    }

    static byte[] weave(byte[] classFile, int... targetIndexes) {
        List<String> leftAlone = new ArrayList<>();
        byte[] woven = weave(classFile, leftAlone, new AtomicInteger(), targetIndexes);
        assertThat(leftAlone).as("methods left without advice").isEmpty();
        assertThat(woven).as("woven").isNotNull();
        return woven;
    }

    static byte[] weave(byte[] classFile, List<String> leftAlone, AtomicInteger wovenMethods, int... targetIndexes) {
        long matched = 0;
        for (int index : targetIndexes) {
            matched |= 1L << index;
        }
        return new Weaver(TARGETS).weave(classFile, matched, wovenMethods, leftAlone::add);
    }

    static Class<?> define(String name, byte[] classFile, ClassLoader parent) {
        return new ClassLoader(parent) {
            Class<?> load() {
                return defineClass(name, classFile, 0, classFile.length);
            }
        }.load();
    }

    static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
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
        /** The bridge's number of the calling thread (recorder and store sites). */
        int thread = -1;
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

        Call on(int thread) {
            this.thread = thread;
            return this;
        }
    }

    private static final class Recording implements EventSink {
        final List<Call> calls = new CopyOnWriteArrayList<>();

        @Override
        public void recorded(int target, String source, Object event, int thread) {
            calls.add(new Call("recorded", target, source, null, event, 0, null).on(thread));
        }

        @Override
        public void stored(int target, String source, Object event, int thread) {
            calls.add(new Call("stored", target, source, null, event, 0, null).on(thread));
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
        public void recorded(int target, String source, Object event, int thread) {
            throwIt();
        }

        @Override
        public void stored(int target, String source, Object event, int thread) {
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
        public static int finallyRuns;
        /** The first {@code StackOverflowError} {@link #appendDeep} saw: the deepest. */
        public static StackOverflowError deepest;

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

        public long appendLong(long before, SampleEvent event, double after) {
            return before + (long) (after * 0.8);
        }

        public double appendDouble(SampleEvent event, double value) {
            return value * 2;
        }

        public float appendFloat(float value, SampleEvent event) {
            return value * 2;
        }

        public int[] appendArray(int length, SampleEvent event) {
            int[] values = new int[length];
            for (int i = 0; i < length; i++) {
                values[i] = i;
            }
            return values;
        }

        public String appendWide(long a, double b, SampleEvent event, long c) {
            return event.id + ":" + (a + (long) b + c);
        }

        public static String appendStatic(long version, SampleEvent event) {
            return event.id + "@" + version;
        }

        public int appendAfterALoop(int n, SampleEvent event) {
            while (n > 0) {
                n--;
                finallyRuns += 0;
                if (n == 0) {
                    break;
                }
            }
            int sum = 0;
            for (int i = 0; i < 4; i++) {
                sum += i;
            }
            return sum;
        }

        public String appendWithFinally(SampleEvent event, boolean fail) {
            try {
                if (fail) {
                    throw DISK_FULL;
                }
                return "ok";
            } finally {
                finallyRuns++;
            }
        }

        public String appendSwitch(SampleEvent event, int count) {
            switch (count) {
                case 1: return "one";
                case 2: return "two";
                default: return "many";
            }
        }

        public synchronized void appendSynchronized(SampleEvent event) {
            throw DISK_FULL;
        }

        public int appendDeep(SampleEvent event, int depth) {
            if (depth == 0) {
                return 0;
            }
            try {
                return 1 + appendDeep(event, depth - 1);
            } catch (StackOverflowError e) {
                if (deepest == null) {
                    deepest = e;
                }
                throw e;
            }
        }

        public String appendReassigning(SampleEvent event) {
            event = new SampleEvent("replaced");
            return event.id;
        }
    }

    /** What an event is about, to a recorder that builds the event itself. */
    public static class SampleSubject {
        public final String name;

        public SampleSubject(String name) {
            this.name = name;
        }
    }

    public static class SampleRecorder {
        public static final IOException IO_FAILURE = new IOException("recorder offline");

        public enum Level { INFO, WARNING }

        /** A convenience overload: builds the event and passes it on. */
        public void record(String type, Level level) {
            recordEvent(new SampleEvent(type + ":" + level));
        }

        /** No event at all: records two. */
        public void record(String first, String second) {
            recordEvent(new SampleEvent(first));
            recordEvent(new SampleEvent(second));
        }

        /** Without an event, and records nothing else: it is the record. */
        public void record(Level level) {}

        /** With an event, reaching one without. */
        public void record(SampleEvent event, Level level) {
            record(level);
        }

        /** Without an event, reaching another without. */
        public void recordEvent(Level level, String message) {
            record(level);
        }

        /** Handed what the event is about (a Kubernetes resource, say), builds the event. */
        public void record(SampleSubject subject, String reason) {
            recordEvent(new SampleEvent(subject.name + ":" + reason));
        }

        /** Without an event, reaching one that fails. */
        public void record(Level level, String type) {
            try {
                record(new SampleEvent(type), "io");
            } catch (IOException expected) {
                // the service logs it and goes on
            }
        }

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

        /** The first {@code StackOverflowError} {@link #on(SampleEvent, int)} saw: the deepest. */
        public static StackOverflowError deepest;

        public int on(SampleEvent event, int depth) {
            if (depth == 0) {
                return 0;
            }
            try {
                return 1 + on(event, depth - 1);
            } catch (StackOverflowError e) {
                if (deepest == null) {
                    deepest = e;
                }
                throw e;
            }
        }
    }

    public static class SampleRecorderAndStore {
        public void record(SampleEvent event) {
            store(event);
        }

        public String both(SampleEvent event, boolean fail) {
            if (fail) {
                throw new IllegalArgumentException("failed");
            }
            return event.id;
        }

        public void store(SampleEvent event) {}
    }
}
