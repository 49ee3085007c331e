package io.kube9.agent.bridge;

import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * Recorder and store sites that return the work they will do rather than do it: a {@code
 * CompletableFuture} or {@code CompletionStage}. The call counts when that stage completes, and
 * not if it completes exceptionally: a save the database rejects stored nothing. The stage is
 * given a callback and returned as it is. Anything else the method returns, null included, counts
 * as the method returns.
 *
 * <p>Reactor's {@code Mono} and {@code Flux} are not wrapped: a publisher with one operator more is
 * another object, of another class (a caller's cast to its own subclass failed, a {@code
 * ConnectableFlux} stopped being one), and it counts per subscription, where a cached or shared
 * publisher does its work once (a review of the first version, which did wrap them).
 */
final class AsyncCalls {
    private AsyncCalls() {}

    /** @return what the method returns now: {@code returned}, unchanged */
    static Object whenDone(EventSink sink, int site, int target, String source, Object event, int thread,
            Object returned) {
        Done done = new Done(sink, site, target, source, event, thread);
        if (returned instanceof CompletionStage) {
            ((CompletionStage<?>) returned).whenComplete(done);
        } else {
            done.run();
        }
        return returned;
    }

    /** Counts the call once its stage has completed normally. */
    private static final class Done implements BiConsumer<Object, Throwable>, Runnable {
        private final EventSink sink;
        private final int site;
        private final int target;
        private final String source;
        private final Object event;
        private final int thread;

        Done(EventSink sink, int site, int target, String source, Object event, int thread) {
            this.sink = sink;
            this.site = site;
            this.target = target;
            this.source = source;
            this.event = event;
            this.thread = thread;
        }

        @Override
        public void run() {
            try {
                SuspendCalls.finish(sink, site, target, source, null, event, 0L, null, thread);
            } catch (Throwable ignored) {
                // the sink counts its own failures; nothing may reach the application
            }
        }

        @Override
        public void accept(Object value, Throwable failure) {
            if (failure == null) {
                run();
            }
        }
    }
}
