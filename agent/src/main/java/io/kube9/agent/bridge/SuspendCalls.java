package io.kube9.agent.bridge;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kotlin {@code suspend} functions as sites: each call counted once, when it is done, with its
 * outcome and (for projections) the duration of the whole call.
 *
 * <p>As compiled, a suspend function takes its caller's {@code Continuation} last and returns
 * either its value or {@code COROUTINE_SUSPENDED}. Two shapes:
 * <ul>
 *   <li><b>With a state machine</b> (it suspends other than in its last call): a continuation
 *       class of its own ({@code OrderStore$append$1}), made at the first entry with the caller's
 *       continuation as its {@code completion}, calls the method again at every resumption, with
 *       that continuation and every other parameter null. The method is entered once per
 *       suspension plus one, and only the last exit, a value or a throw, says how the call ended;
 *       a resumption finds its call through its continuation's {@code completion}.
 *   <li><b>Without one</b> (it only returns the value of another suspend call, {@code =
 *       withContext(IO) { ... }}, or never suspends): entered once; when it returns the marker, the
 *       call it handed its caller's continuation to goes on, and the call is done when that
 *       continuation is resumed, with the outcome: Kotlin's {@code BaseContinuationImpl}
 *       hands both to {@link #resuming} (the agent's {@code ResumeHook}). Where it does not (no
 *       hook in the caller's Kotlin), the call counts at its first return.
 * </ul>
 *
 * <p>The first entry of an outermost call is kept here, under its caller's continuation and its
 * site, before the function's code runs: a resumption on another thread cannot come first. Calls
 * of two sites may share a caller's continuation (a recorder whose last call is a store hands
 * the store its own caller's). An exit that is not the marker, a resumption's last exit or the
 * caller's resumption ends the call, whichever comes first, once. The continuation is held
 * weakly: a coroutine dropped while suspended, never to resume, is let go, unless its event or
 * its projection object leads back to it (an event that carries the {@code Deferred} the call
 * waits for); such calls are kept until {@value #MAX_PENDING} are, and beyond that calls count at
 * their first exit (said once).
 */
final class SuspendCalls {
    /** Calls kept at most; beyond, a call counts at its first exit. */
    static final int MAX_PENDING = 1 << 16;
    private static final String SINGLETONS = "kotlin.coroutines.intrinsics.CoroutineSingletons";
    private static final String FAILURE = "kotlin.Result$Failure";
    private static final String BASE_CONTINUATION = "kotlin.coroutines.jvm.internal.BaseContinuationImpl";
    private static final ConcurrentHashMap<Call, Call> PENDING = new ConcurrentHashMap<>();
    private static final ReferenceQueue<Object> GONE = new ReferenceQueue<>();
    /** Calls without a state machine under way: {@link #resuming} looks for none while there are none. */
    private static final AtomicInteger TAIL_CALLS = new AtomicInteger();
    /**
     * Whether a {@code BaseContinuationImpl} class has called {@link #resuming}: its Kotlin has the
     * hook. Kept in the class itself, so a web application's loader is not held by the agent.
     */
    private static final ClassValue<AtomicBoolean> HOOKED = new ClassValue<>() {
        @Override
        protected AtomicBoolean computeValue(Class<?> type) {
            return new AtomicBoolean();
        }
    };
    /** The last class that called {@link #resuming}: most services load one Kotlin. */
    private static volatile WeakReference<Class<?>> lastHooked = new WeakReference<>(null);
    /** A continuation class's {@code BaseContinuationImpl}, or null when it is none. */
    private static final ClassValue<Class<?>> BASE = new ClassValue<>() {
        @Override
        protected Class<?> computeValue(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                if (c.getName().equals(BASE_CONTINUATION)) {
                    return c;
                }
            }
            return null;
        }
    };
    private static final AtomicBoolean SATURATION_SAID = new AtomicBoolean();
    /** {@code BaseContinuationImpl.getCompletion()}, by continuation class; null where there is none. */
    private static final ClassValue<Method> COMPLETION = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                return type.getMethod("getCompletion");
            } catch (NoSuchMethodException | SecurityException e) {
                return null;
            }
        }
    };

    private SuspendCalls() {}

    /**
     * A suspend function is entered.
     *
     * @param outermost no call of its site is under way on this thread
     * @param ownContinuation the binary name of its state machine's class, or null
     * @return the call kept (a first entry), the continuation (a resumption), or null (nothing to
     *     keep: a call inside another call of its site, or one whose end cannot be seen)
     */
    static Object enter(boolean outermost, int site, int target, String source, Object self, Object event,
            long startNanos, Object continuation, String ownContinuation, int thread) {
        if (continuation == null) {
            return null;
        }
        boolean tail = ownContinuation == null;
        if (!tail && event == null && continuation.getClass().getName().equals(ownContinuation)) {
            return continuation; // its own state machine calls it again: a resumption
        }
        if (!outermost || (tail && !isHooked(continuation))) {
            return null;
        }
        expunge();
        if (PENDING.size() >= MAX_PENDING) {
            if (!SATURATION_SAID.get() && SATURATION_SAID.compareAndSet(false, true)) {
                System.err.println("[kube9-agent] WARNING " + MAX_PENDING + " suspend calls of sites are under way;"
                        + " more count when they first return, before their work is done");
            }
            return null;
        }
        Call call = new Call(continuation, GONE, tail, site, target, source, self, event, startNanos, thread);
        if (tail) {
            TAIL_CALLS.incrementAndGet();
        }
        Call before = PENDING.put(call, call);
        if (before != null && before.tail) {
            TAIL_CALLS.decrementAndGet(); // a call whose caller was never resumed (it cannot happen twice)
        }
        return call;
    }

    /**
     * A suspend function returned or threw.
     *
     * @param call what {@link #enter} returned
     * @param outermost no other call of its site is under way on this thread
     */
    static void exit(EventSink sink, int site, int target, String source, Object self, Object event,
            long startNanos, Object call, Object result, Throwable thrown, boolean outermost, int thread) {
        boolean suspended = thrown == null && isSuspendedMarker(result);
        if (call instanceof Call) { // the first entry of a call kept
            if (!suspended) {
                end((Call) call, sink, thrown);
            }
            return; // else its state machine's last exit, or its caller's resumption, ends it
        }
        if (call != null) { // a resumption: call is the function's own continuation
            if (suspended) {
                return;
            }
            Object caller = completion(call);
            Call kept = caller == null ? null : PENDING.get(lookup(caller, site));
            if (kept != null && !kept.tail) {
                end(kept, sink, thrown);
            }
            return;
        }
        if (outermost) {
            finish(sink, site, target, source, self, event, startNanos, thrown, thread);
        }
    }

    /**
     * A continuation is about to be resumed with {@code outcome} (a value, or Kotlin's {@code
     * Result.Failure}): a call without a state machine that was handed it is done.
     *
     * @param base the {@code BaseContinuationImpl} class calling
     */
    static void resuming(EventSink sink, Object continuation, Object outcome, Class<?> base) {
        if (lastHooked.get() != base) {
            HOOKED.get(base).set(true);
            lastHooked = new WeakReference<>(base);
        }
        if (TAIL_CALLS.get() == 0) {
            return;
        }
        Throwable failure = null;
        for (int site = Kube9Bridge.RECORDER; site <= Kube9Bridge.PROJECTION; site++) {
            Call kept = PENDING.get(lookup(continuation, site));
            if (kept != null && kept.tail) {
                if (failure == null) {
                    failure = failure(outcome);
                }
                end(kept, sink, failure);
            }
        }
    }

    /** How many calls are kept now (for tests). */
    static int pending() {
        expunge();
        return PENDING.size();
    }

    /** Ends a call kept, once, whoever comes first. */
    private static void end(Call call, EventSink sink, Throwable thrown) {
        if (!PENDING.remove(call, call)) {
            return;
        }
        if (call.tail) {
            TAIL_CALLS.decrementAndGet();
        }
        finish(sink, call.site, call.target, call.source, call.self, call.event, call.startNanos, thrown, call.thread);
    }

    /** Counts a call that is done: a recorder's or store's if it did not throw, a projection's either way. */
    static void finish(EventSink sink, int site, int target, String source, Object self, Object event,
            long startNanos, Throwable thrown, int thread) {
        if (site == Kube9Bridge.PROJECTION) {
            sink.projected(target, self, event, startNanos, thrown);
        } else if (thrown == null) {
            if (site == Kube9Bridge.RECORDER) {
                sink.recorded(target, source, event, thread);
            } else {
                sink.stored(target, source, event, thread);
            }
        }
    }

    static boolean isSuspendedMarker(Object result) {
        return result instanceof Enum && result.getClass().getName().equals(SINGLETONS)
                && ((Enum<?>) result).name().equals("COROUTINE_SUSPENDED");
    }

    /** The exception of a failed outcome, or null for a value. */
    private static Throwable failure(Object outcome) {
        if (outcome == null || !outcome.getClass().getName().equals(FAILURE)) {
            return null;
        }
        // Made here, not once for all: a Throwable made in the class's initialiser would keep the
        // classes on the stack then, a web application's among them, for as long as the agent.
        try {
            Object exception = outcome.getClass().getField("exception").get(outcome);
            return exception instanceof Throwable ? (Throwable) exception : new IllegalStateException(FAILURE);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new IllegalStateException(FAILURE);
        }
    }

    private static boolean isHooked(Object continuation) {
        Class<?> base = BASE.get(continuation.getClass());
        return base != null && HOOKED.get(base).get();
    }

    private static Object completion(Object continuation) {
        Method getter = COMPLETION.get(continuation.getClass());
        if (getter == null) {
            return null;
        }
        try {
            return getter.invoke(continuation);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Call lookup(Object continuation, int site) {
        return new Call(continuation, null, false, site, 0, null, null, null, 0L, 0);
    }

    private static void expunge() {
        Object gone;
        while ((gone = GONE.poll()) != null) {
            Call call = PENDING.remove(gone);
            if (call != null && call.tail) {
                TAIL_CALLS.decrementAndGet();
            }
        }
    }

    /**
     * A call kept, under its caller's continuation (held weakly, compared by identity) and its
     * site, with what it counts with when it is done; or, made to look one up, only those two.
     */
    private static final class Call extends WeakReference<Object> {
        private final int hash;
        final boolean tail;
        final int site;
        final int target;
        final String source;
        final Object self;
        final Object event;
        final long startNanos;
        final int thread;

        Call(Object callerContinuation, ReferenceQueue<Object> queue, boolean tail, int site, int target,
                String source, Object self, Object event, long startNanos, int thread) {
            super(callerContinuation, queue);
            this.hash = 31 * System.identityHashCode(callerContinuation) + site;
            this.tail = tail;
            this.site = site;
            this.target = target;
            this.source = source;
            this.self = self;
            this.event = event;
            this.startNanos = startNanos;
            this.thread = thread;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (other == this) {
                return true;
            }
            if (!(other instanceof Call)) {
                return false;
            }
            Call call = (Call) other;
            Object mine = get();
            return mine != null && mine == call.get() && site == call.site;
        }
    }
}
