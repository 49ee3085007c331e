package io.kube9.agent.bridge;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The bridge's sink while the agent starts: the classes of the sites are already woven, but the
 * agent's metrics and queue are still being built on its start-up thread. A call that reaches
 * the bridge in that moment waits for the real sink (or for the start to be given up), then goes
 * on to it, so no call is missed and no class load waits for the agent.
 *
 * <p>The wait is bounded. If the agent is not ready in time the call is not captured, and later
 * calls do not wait again.
 */
final class StartingSink implements EventSink {
    private final CountDownLatch ready = new CountDownLatch(1);
    private final long timeoutNanos;
    private final Supplier<EventSink> current;
    private final Runnable wakeAgent;
    private volatile boolean gaveUp;

    /**
     * @param current the bridge's sink at the time of asking: this one, the real one, or none
     * @param wakeAgent tells the agent a call is waiting (its start may be deferred); called on
     *     every waiting call, so it must be cheap and idempotent
     */
    StartingSink(long timeoutMillis, Supplier<EventSink> current, Runnable wakeAgent) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.current = current;
        this.wakeAgent = wakeAgent;
    }

    /** The real sink is installed, or there will be none. */
    void ready() {
        ready.countDown();
    }

    @Override
    public void recorded(int target, String source, Object event, int thread) {
        awaitSink().recorded(target, source, event, thread);
    }

    @Override
    public void stored(int target, String source, Object event, int thread) {
        awaitSink().stored(target, source, event, thread);
    }

    /**
     * The projection's time excludes the wait: the call waits here after the projection ran, and
     * the agent's start (hundreds of milliseconds) would otherwise be measured as the service's.
     */
    @Override
    public void projected(int target, Object projection, Object event, long startNanos, Throwable thrown) {
        long waitStart = System.nanoTime();
        EventSink sink = awaitSink();
        sink.projected(target, projection, event, startNanos + (System.nanoTime() - waitStart), thrown);
    }

    /**
     * The sink that follows this one, once there is one. An interrupt does not cut the wait short
     * (the call would go uncounted); it is kept for the application.
     */
    private EventSink awaitSink() {
        if (!gaveUp && ready.getCount() > 0) {
            try {
                wakeAgent.run();
            } catch (Throwable ignored) {
                // the wait below is bounded either way
            }
            long deadline = System.nanoTime() + timeoutNanos;
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        if (!ready.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) && !gaveUp) {
                            gaveUp = true;
                            // The bridge has no log of its own; one line, as the agent's are.
                            System.err.println("[kube9-agent] WARNING the agent is still not started after "
                                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms; calls of sites go uncounted"
                                    + " until it is");
                        }
                        break;
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
        EventSink next = current.get();
        return next == this ? EventSink.NONE : next;
    }
}
