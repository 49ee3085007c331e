package io.kube9.agent.bridge;

import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Recorder and store sites that return the work they will do rather than do it: a {@code
 * CompletableFuture} or {@code CompletionStage}, or Reactor's {@code Mono} or {@code Flux} (a
 * Spring Data {@code ReactiveCrudRepository}). The call counts when that work completes, and not
 * if it fails: a save the database rejects, or a {@code Mono} nobody subscribes to, stored nothing.
 *
 * <p>A stage is given a callback and returned as it is. A {@code Mono} or {@code Flux} is
 * returned with one operator more ({@code doOnSuccess}, {@code doOnComplete}), called through
 * reflection: the bridge knows only the JDK, and Reactor may be in any loader. Subscribed twice,
 * such a publisher does its work twice and counts twice. Anything else, null included, counts as
 * the method returns.
 */
final class AsyncCalls {
    private static final String MONO = "reactor.core.publisher.Mono";
    private static final String FLUX = "reactor.core.publisher.Flux";
    /** The operator that calls back on success, by publisher class; null for other classes. */
    private static final ClassValue<Method> ON_SUCCESS = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                try {
                    if (c.getName().equals(MONO)) {
                        return c.getMethod("doOnSuccess", Consumer.class);
                    }
                    if (c.getName().equals(FLUX)) {
                        return c.getMethod("doOnComplete", Runnable.class);
                    }
                } catch (NoSuchMethodException | SecurityException e) {
                    return null;
                }
            }
            return null;
        }
    };

    private AsyncCalls() {}

    /** @return what the method returns now: {@code returned}, or the publisher with the callback */
    static Object whenDone(EventSink sink, int site, int target, String source, Object event, int thread,
            Object returned) {
        Done done = new Done(sink, site, target, source, event, thread);
        if (returned instanceof CompletionStage) {
            ((CompletionStage<?>) returned).whenComplete(done);
            return returned;
        }
        Method onSuccess = returned == null ? null : ON_SUCCESS.get(returned.getClass());
        if (onSuccess != null) {
            try {
                Object withCallback = onSuccess.invoke(returned, done);
                if (onSuccess.getDeclaringClass().isInstance(withCallback)) {
                    return withCallback;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // Reactor out of reach: counted as it returns, as before
            }
        }
        done.run();
        return returned;
    }

    /** Counts the call once its work has completed. */
    private static final class Done implements BiConsumer<Object, Throwable>, Consumer<Object>, Runnable {
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
                if (site == Kube9Bridge.RECORDER) {
                    sink.recorded(target, source, event, thread);
                } else {
                    sink.stored(target, source, event, thread);
                }
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

        @Override
        public void accept(Object value) {
            run();
        }
    }
}
