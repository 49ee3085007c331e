package io.kube9.agent.bridge;

/**
 * What the agent does with an intercepted call, as seen from the bridge. Implemented inside the
 * agent's own class loader; only JDK types cross this boundary.
 *
 * <p>Called on the application's thread after the outermost intercepted call of a site returns
 * (or throws, for projections); for a call whose work goes on after it returns, on the thread that
 * ends it: a Kotlin suspend call's last resumption or its caller's ({@link SuspendCalls}), a
 * returned stage's completion ({@link AsyncCalls}). Implementations must not block, do I/O or
 * throw.
 */
public interface EventSink {
    /**
     * A recorder site returned normally; {@code event} may be null, a batch or one event.
     *
     * @param thread the calling thread's number: the bridge numbers threads in turn, at their
     *     first intercepted call (the agent spreads threads over its queue's lanes by it)
     */
    void recorded(int target, String source, Object event, int thread);

    /** A store site returned normally; {@code event} may be null, a batch or one event. */
    void stored(int target, String source, Object event, int thread);

    /**
     * A projection site returned or threw ({@code thrown} non-null).
     *
     * @param projection the receiver, or the declaring class for a static method
     * @param startNanos {@link System#nanoTime()} when the call began
     */
    void projected(int target, Object projection, Object event, long startNanos, Throwable thrown);

    /** Until the agent is ready (and after it is switched off) events go nowhere. */
    EventSink NONE = new EventSink() {
        @Override
        public void recorded(int target, String source, Object event, int thread) {}

        @Override
        public void stored(int target, String source, Object event, int thread) {}

        @Override
        public void projected(int target, Object projection, Object event, long startNanos, Throwable thrown) {}
    };
}
