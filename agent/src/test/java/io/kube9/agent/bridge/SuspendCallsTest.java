package io.kube9.agent.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import kotlin.ResultKt;
import kotlin.coroutines.Continuation;
import kotlin.coroutines.CoroutineContext;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlin.coroutines.intrinsics.IntrinsicsKt;
import kotlin.coroutines.jvm.internal.BaseContinuationImpl;
import kotlin.coroutines.jvm.internal.ContinuationImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SuspendCalls} driven as woven code and Kotlin's {@code BaseContinuationImpl} drive it,
 * with Kotlin's own continuation classes and outcomes: entries, exits and resumptions in the
 * orders a coroutine can take them. {@code KotlinServiceIT} runs the same on compiled Kotlin.
 */
class SuspendCallsTest {
    private static final int STORE = Kube9Bridge.STORE;
    private static final int PROJECTION = Kube9Bridge.PROJECTION;
    private static final Object SUSPENDED = IntrinsicsKt.getCOROUTINE_SUSPENDED();
    private static final String OWN = StateMachine.class.getName();

    private final Sink sink = new Sink();

    @BeforeEach
    void theHookIsKnown() {
        SuspendCalls.resuming(sink, new Caller(), "warm", BaseContinuationImpl.class);
    }

    @AfterEach
    void nothingIsLeft() {
        assertThat(SuspendCalls.pending()).isZero();
    }

    @Test
    void aStateMachineCountsOnceWhenItsLastResumptionReturns() {
        Caller caller = new Caller();
        Object call = enter(STORE, "e1", caller, OWN);
        exit(STORE, "e1", call, SUSPENDED, null);
        StateMachine own = new StateMachine(caller);
        for (int resumption = 0; resumption < 2; resumption++) {
            Object again = enter(STORE, null, own, OWN);
            assertThat(again).as("a resumption").isSameAs(own);
            exit(STORE, null, again, resumption == 0 ? SUSPENDED : "done", null);
        }
        SuspendCalls.resuming(sink, caller, "done", BaseContinuationImpl.class); // the caller goes on: nothing more

        assertThat(sink.calls).containsExactly("stored e1");
    }

    @Test
    void aStateMachineThatThrowsAfterItResumedIsNotStoredAndIsAProjectionError() {
        for (int site : new int[] {STORE, PROJECTION}) {
            Caller caller = new Caller();
            Object call = enter(site, "e2", caller, OWN);
            exit(site, "e2", call, SUSPENDED, null);
            StateMachine own = new StateMachine(caller);
            exit(site, null, enter(site, null, own, OWN), null, new IllegalStateException("after"));
        }

        assertThat(sink.calls).containsExactly("projected e2 failed");
    }

    @Test
    void aCallThatNeverSuspendsCountsAtItsReturnOrNotAtItsThrow() {
        exit(STORE, "e3", enter(STORE, "e3", new Caller(), OWN), "value", null);
        exit(STORE, "e4", enter(STORE, "e4", new Caller(), OWN), null, new IllegalStateException());
        exit(STORE, "e5", enter(STORE, "e5", new Caller(), null), "value", null);

        assertThat(sink.calls).containsExactly("stored e3", "stored e5");
    }

    @Test
    void aTailCallCountsWhenItsCallerIsResumedWithTheOutcome() {
        Caller done = new Caller();
        exit(STORE, "e6", enter(STORE, "e6", done, null), SUSPENDED, null);
        Caller failed = new Caller();
        exit(PROJECTION, "e7", enter(PROJECTION, "e7", failed, null), SUSPENDED, null);
        assertThat(sink.calls).isEmpty();

        SuspendCalls.resuming(sink, done, "value", BaseContinuationImpl.class);
        SuspendCalls.resuming(sink, failed, ResultKt.createFailure(new IllegalStateException()),
                BaseContinuationImpl.class);
        SuspendCalls.resuming(sink, done, "again", BaseContinuationImpl.class);

        assertThat(sink.calls).containsExactly("stored e6", "projected e7 failed");
    }

    @Test
    void callsOfTwoSitesHandedTheSameCallersContinuationEachCount() {
        Caller caller = new Caller(); // a recorder whose last call is a store: the store gets the recorder's caller's
        Object recorder = SuspendCalls.enter(true, Kube9Bridge.RECORDER, 1, "R#record", null, "r1", 0L, caller,
                null, 0);
        exit(STORE, "s1", enter(STORE, "s1", caller, null), SUSPENDED, null);
        SuspendCalls.exit(sink, Kube9Bridge.RECORDER, 1, "R#record", null, "r1", 0L, recorder, SUSPENDED, null, true,
                0);
        SuspendCalls.resuming(sink, caller, "value", BaseContinuationImpl.class);

        Caller second = new Caller(); // the store never suspends: it ends first, the recorder later
        recorder = SuspendCalls.enter(true, Kube9Bridge.RECORDER, 1, "R#record", null, "r2", 0L, second, null, 0);
        exit(STORE, "s2", enter(STORE, "s2", second, OWN), "value", null);
        SuspendCalls.exit(sink, Kube9Bridge.RECORDER, 1, "R#record", null, "r2", 0L, recorder, "value", null, true, 0);

        assertThat(sink.calls).containsExactlyInAnyOrder("stored s1", "recorded r1", "stored s2", "recorded r2");
    }

    @Test
    void aTailCallWhoseCallerIsResumedBeforeItsOwnExitRanCountsOnce() {
        Caller caller = new Caller();
        Object call = enter(STORE, "e8", caller, null);
        SuspendCalls.resuming(sink, caller, "value", BaseContinuationImpl.class); // on another thread, first
        exit(STORE, "e8", call, SUSPENDED, null);

        assertThat(sink.calls).containsExactly("stored e8");
    }

    @Test
    void aTailCallFromACallerNoHookResumesCountsAtItsFirstReturn() {
        Continuation<Object> plain = new Continuation<>() {
            @Override
            public CoroutineContext getContext() {
                return EmptyCoroutineContext.INSTANCE;
            }

            @Override
            public void resumeWith(Object result) {}
        };
        exit(STORE, "e9", enter(STORE, "e9", plain, null), SUSPENDED, null);

        assertThat(sink.calls).containsExactly("stored e9");
    }

    @Test
    void aCallInsideAnotherCallOfItsSiteIsNotCountedNorItsResumptions() {
        Caller caller = new Caller();
        Object call = SuspendCalls.enter(false, STORE, 1, "S#append", null, "e10", 0L, caller, OWN, 0);
        assertThat(call).isNull();
        SuspendCalls.exit(sink, STORE, 1, "S#append", null, "e10", 0L, call, SUSPENDED, null, false, 0);
        exit(STORE, null, enter(STORE, null, new StateMachine(caller), OWN), "done", null);

        assertThat(sink.calls).isEmpty();
    }

    @Test
    void aCoroutineDroppedWhileSuspendedIsNotKeptAlive() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            exit(STORE, "lost", enter(STORE, "lost", new Caller(), i % 2 == 0 ? OWN : null), SUSPENDED, null);
        }
        assertThat(SuspendCalls.pending()).isEqualTo(100);
        for (int round = 0; round < 100 && SuspendCalls.pending() > 0; round++) {
            System.gc();
            Thread.sleep(20);
        }

        assertThat(SuspendCalls.pending()).isZero();
        assertThat(sink.calls).isEmpty();
    }

    @Test
    void onlyKotlinsMarkerIsSuspended() {
        assertThat(SuspendCalls.isSuspendedMarker(SUSPENDED)).isTrue();
        assertThat(SuspendCalls.isSuspendedMarker(Thread.State.NEW)).isFalse();
        assertThat(SuspendCalls.isSuspendedMarker("COROUTINE_SUSPENDED")).isFalse();
        assertThat(SuspendCalls.isSuspendedMarker(null)).isFalse();
    }

    private Object enter(int site, Object event, Object continuation, String own) {
        return SuspendCalls.enter(true, site, 1, "S#append", this, event, 0L, continuation, own, 0);
    }

    private void exit(int site, Object event, Object call, Object result, Throwable thrown) {
        SuspendCalls.exit(sink, site, 1, "S#append", this, event, 0L, call, result, thrown, true, 0);
    }

    /** A caller's continuation: a compiled suspend function's, as Kotlin makes them. */
    private static final class Caller extends ContinuationImpl {
        Caller() {
            super(null, EmptyCoroutineContext.INSTANCE);
        }

        @Override
        protected Object invokeSuspend(Object result) {
            return result;
        }
    }

    /** The state machine of the function under test: made with its caller's continuation. */
    private static final class StateMachine extends ContinuationImpl {
        StateMachine(Continuation<Object> caller) {
            super(caller);
        }

        @Override
        protected Object invokeSuspend(Object result) {
            return result;
        }
    }

    private static final class Sink implements EventSink {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void recorded(int target, String source, Object event, int thread) {
            calls.add("recorded " + event);
        }

        @Override
        public void stored(int target, String source, Object event, int thread) {
            calls.add("stored " + event);
        }

        @Override
        public void projected(int target, Object projection, Object event, long startNanos, Throwable thrown) {
            calls.add("projected " + event + (thrown != null ? " failed" : ""));
        }
    }
}
