package io.kube9.agent.bridge;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The only agent code the instrumented application calls. It lives on the bootstrap class path
 * so that inlined advice in any class loader resolves it, and uses JDK types only.
 *
 * <p>Each site keeps a per-thread call depth: when an intercepted method reaches another one of
 * the same site (an overload, a {@code super} call, a decorator around the real store) only the
 * outermost call counts. Beside its depths, each thread gets a number at its first intercepted
 * call, handed out in turn: the agent's queue gives threads lanes by it, so that two busy
 * threads never share one.
 *
 * <p>A recorder or store call without an event of its own (no argument that can be one, or an
 * enum: {@code record(String type, Level level, String message)}) is often a convenience overload
 * that builds the event and passes it on. Such a call does not count in the depth: a call of its
 * site that it reaches counts, with the real event. It counts itself, with what it has, only when
 * no call of its site counted on this thread while it ran (a tally per site tells).
 */
public final class Kube9Bridge {
    public static final int RECORDER = 0;
    public static final int STORE = 1;
    public static final int PROJECTION = 2;

    /** Index of the thread's number in its depth counters. */
    private static final int NUMBER = 3;
    /** Index of the tally of counted recorder calls; store calls' is next (see {@link #mark}). */
    private static final int TALLY = 4;
    /** A {@link #mark} that says the call has an event and counts in the depth. */
    private static final int HAS_EVENT = -1;
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> {
        int[] depth = new int[TALLY + 2];
        depth[NUMBER] = THREADS.getAndIncrement();
        return depth;
    });

    /**
     * Shared by the threads whose own counters could not be made: counters so far from 0 that no
     * call on them is ever outermost, whatever the unsynchronised updates of those threads lose.
     */
    private static final int[] UNSEEN = {Integer.MIN_VALUE / 2, Integer.MIN_VALUE / 2, Integer.MIN_VALUE / 2, 0, 0, 0};

    private static volatile EventSink sink = EventSink.NONE;
    private static volatile boolean installed;

    private Kube9Bridge() {}

    /**
     * The agent is starting: until {@link #install} (or {@link #abandonStart}), an intercepted
     * call runs {@code wakeAgent} and waits for the sink, at most {@code timeoutMillis}.
     *
     * @return false when an agent already runs or is starting in this JVM: the caller must not
     *     start a second one
     */
    public static synchronized boolean starting(long timeoutMillis, Runnable wakeAgent) {
        if (installed || sink != EventSink.NONE) {
            return false;
        }
        sink = new StartingSink(timeoutMillis, () -> sink, wakeAgent);
        return true;
    }

    /**
     * Makes {@code newSink} the receiver of every intercepted call; calls waiting for it go on.
     *
     * @return false when a sink was installed before: the agent is already running in this JVM
     *     (for example attached twice), and the caller must not start a second one
     */
    public static synchronized boolean install(EventSink newSink) {
        if (installed) {
            return false;
        }
        EventSink before = sink;
        sink = newSink;
        installed = true;
        if (before instanceof StartingSink) {
            ((StartingSink) before).ready();
        }
        return true;
    }

    /** Whether an agent runs or is starting in this JVM. */
    public static synchronized boolean running() {
        return installed || sink != EventSink.NONE;
    }

    /** The agent will not start after all: calls waiting for it go on, uncounted. */
    public static synchronized void abandonStart() {
        if (!installed && sink instanceof StartingSink) {
            StartingSink waiting = (StartingSink) sink;
            sink = EventSink.NONE;
            waiting.ready();
        }
    }

    /**
     * This thread's depth counters, one per site, or {@link #UNSEEN} if even reading them failed.
     *
     * <p>The woven code adds one on entering an intercepted method, itself, and the exit methods
     * below take it away again as their first instruction. A call of one of them that fails (a
     * {@code StackOverflowError} calling it, with a stack that is all but full) has not begun:
     * the woven code takes the one away itself then. Once begun, they always return normally.
     * Either way, each call leaves the counters as it found them.
     */
    public static int[] depths() {
        try {
            return DEPTH.get();
        } catch (Throwable t) {
            return UNSEEN; // out of memory for the thread's first counters: the call goes unseen
        }
    }

    /** The start time of a projection call about to be outermost (not yet counted in), or 0. */
    public static long startTime(int[] depth) {
        return depth[PROJECTION] == 0 ? System.nanoTime() : 0L;
    }

    /**
     * How a recorder or store call about to start counts (before its depth is counted in): {@value
     * #HAS_EVENT} when it has an event, and then it adds one to the depth; else, when {@code event}
     * is null or an enum, the site's tally now, never negative, and it adds nothing. The advice
     * passes null for a parameter declared as what an event is about (a Kubernetes object). The woven
     * code adds {@code mark >>> 31} to the depth and takes the same away on its ways out.
     *
     * @param site {@link #RECORDER} or {@link #STORE}
     */
    public static int mark(int[] depth, int site, Object event) {
        return event == null || event instanceof Enum ? depth[TALLY + site] & Integer.MAX_VALUE : HAS_EVENT;
    }

    /**
     * Whether a recorder or store call that returned counts, taking its one away from the depth if
     * it added one: the outermost call with an event; a call without one when it is not inside a
     * call with an event and no call of its site counted while it ran. A call that counts adds one
     * to the site's tally.
     */
    private static boolean counts(int[] depth, int site, int mark) {
        if (mark == HAS_EVENT) {
            if (--depth[site] != 0) {
                return false;
            }
        } else if (depth[site] != 0 || (depth[TALLY + site] & Integer.MAX_VALUE) != mark) {
            return false;
        }
        depth[TALLY + site]++;
        return true;
    }

    /** A recorder call returned; {@code mark} is what {@link #mark} said at its start. */
    public static void recorderExit(int[] depth, int mark, int target, String source, Object event) {
        if (!counts(depth, RECORDER, mark)) {
            return;
        }
        try {
            sink.recorded(target, source, event, depth[NUMBER]);
        } catch (Throwable ignored) {
            // the sink counts its own failures; nothing may reach the application
        }
    }

    /** A store call returned; {@code mark} is what {@link #mark} said at its start. */
    public static void storeExit(int[] depth, int mark, int target, String source, Object event) {
        if (!counts(depth, STORE, mark)) {
            return;
        }
        try {
            sink.stored(target, source, event, depth[NUMBER]);
        } catch (Throwable ignored) {
            // the sink counts its own failures; nothing may reach the application
        }
    }

    /**
     * A Kotlin suspend function that is a site is entered (before its depth is counted in): what
     * this returns goes to each of its exits. See {@link SuspendCalls#enter}.
     *
     * @param site {@link #RECORDER}, {@link #STORE} or {@link #PROJECTION}
     * @param ownContinuation the binary name of the function's own continuation class, or null
     *     when it has no state machine
     */
    public static Object suspendEnter(int[] depth, int site, int target, String source, Object self, Object event,
            long startNanos, Object continuation, String ownContinuation) {
        try {
            return SuspendCalls.enter(depth[site] == 0, site, target, source, self, event, startNanos, continuation,
                    ownContinuation, depth[NUMBER]);
        } catch (Throwable t) {
            return null; // then counted, if outermost, at its first return
        }
    }

    /**
     * A Kotlin suspend function that is a site returned (its value, or the marker that says it
     * suspended) or threw: {@link SuspendCalls} decides whether the call is done, and counts it
     * once. Unlike the other exits, a call that is not outermost still goes on: a resumption may
     * run inside another call of its site on this thread.
     *
     * @param call what {@link #suspendEnter} returned
     */
    public static void suspendExit(int[] depth, int site, int target, String source, Object self, Object event,
            long startNanos, Object call, Object result, Throwable thrown) {
        boolean outermost = --depth[site] == 0;
        if (outermost && site != PROJECTION) {
            depth[TALLY + site]++; // a call without an event around it does not count too
        }
        try {
            SuspendCalls.exit(sink, site, target, source, self, event, startNanos, call, result, thrown, outermost,
                    depth[NUMBER]);
        } catch (Throwable ignored) {
            // the sink counts its own failures; nothing may reach the application
        }
    }

    /**
     * Kotlin's {@code BaseContinuationImpl} is about to resume {@code continuation} with {@code
     * outcome} (the agent's {@code ResumeHook} calls this): see {@link SuspendCalls#resuming}.
     *
     * @param base the calling class, {@code BaseContinuationImpl} of the Kotlin it belongs to
     */
    public static void resuming(Object continuation, Object outcome, Class<?> base) {
        try {
            SuspendCalls.resuming(sink, continuation, outcome, base);
        } catch (Throwable ignored) {
            // nothing may reach the application
        }
    }

    /**
     * A recorder or store call returned the work it will do ({@link AsyncCalls}): it counts when that
     * work completes.
     *
     * @param site {@link #RECORDER} or {@link #STORE}
     * @return what the method returns: {@code returned}
     */
    public static Object exitReturning(int[] depth, int site, int target, String source, Object event,
            Object returned) {
        if (!counts(depth, site, HAS_EVENT)) {
            return returned;
        }
        try {
            return AsyncCalls.whenDone(sink, site, target, source, event, depth[NUMBER], returned);
        } catch (Throwable ignored) {
            return returned; // nothing may reach the application
        }
    }

    /** A projection call returned or threw. */
    public static void projectionExit(
            int[] depth, int target, Object projection, Object event, long startNanos, Throwable thrown) {
        if (--depth[PROJECTION] != 0) {
            return;
        }
        try {
            sink.projected(target, projection, event, startNanos, thrown);
        } catch (Throwable ignored) {
            // the sink counts its own failures; nothing may reach the application
        }
    }
}
