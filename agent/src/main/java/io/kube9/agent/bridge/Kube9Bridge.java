package io.kube9.agent.bridge;

/**
 * The only agent code the instrumented application calls. It lives on the bootstrap class path
 * so that inlined advice in any class loader resolves it, and uses JDK types only.
 *
 * <p>Each site keeps a per-thread call depth: when an intercepted method reaches another one of
 * the same site (an overload, a {@code super} call, a decorator around the real store) only the
 * outermost call counts.
 */
public final class Kube9Bridge {
    public static final int RECORDER = 0;
    public static final int STORE = 1;
    public static final int PROJECTION = 2;

    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[3]);

    private static volatile EventSink sink = EventSink.NONE;
    private static volatile boolean installed;

    private Kube9Bridge() {}

    /**
     * Makes {@code newSink} the receiver of every intercepted call.
     *
     * @return false when a sink was installed before: the agent is already running in this JVM
     *     (for example attached twice), and the caller must not start a second one
     */
    public static synchronized boolean install(EventSink newSink) {
        if (installed) {
            return false;
        }
        sink = newSink;
        installed = true;
        return true;
    }

    public static boolean isInstalled() {
        return installed;
    }

    /** Entered an intercepted method of {@code site}; returns this thread's depth counters. */
    public static int[] enter(int site) {
        int[] depth = DEPTH.get();
        depth[site]++;
        return depth;
    }

    /** The start time of an outermost projection call, or 0 for a nested one. */
    public static long startTime(int[] depth) {
        return depth != null && depth[PROJECTION] == 1 ? System.nanoTime() : 0L;
    }

    public static void recorderExit(int[] depth, int target, String source, Object event, Throwable thrown) {
        if (depth == null || --depth[RECORDER] != 0 || thrown != null) {
            return;
        }
        try {
            sink.recorded(target, source, event);
        } catch (Throwable ignored) {
            // the sink counts its own failures; nothing may reach the application
        }
    }

    public static void storeExit(int[] depth, int target, String source, Object event, Throwable thrown) {
        if (depth == null || --depth[STORE] != 0 || thrown != null) {
            return;
        }
        try {
            sink.stored(target, source, event);
        } catch (Throwable ignored) {
            // the sink counts its own failures; nothing may reach the application
        }
    }

    public static void projectionExit(
            int[] depth, int target, Object projection, Object event, long startNanos, Throwable thrown) {
        if (depth == null || --depth[PROJECTION] != 0) {
            return;
        }
        try {
            sink.projected(target, projection, event, startNanos, thrown);
        } catch (Throwable ignored) {
            // the sink counts its own failures; nothing may reach the application
        }
    }
}
