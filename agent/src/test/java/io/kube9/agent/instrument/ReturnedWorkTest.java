package io.kube9.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kube9.agent.bridge.EventSink;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Recorders and stores that return the work they will do, woven as the transformer weaves them
 * (see {@link AdviceTest}) and run with the real {@code CompletableFuture} and Reactor: a stage
 * counts when it completes, never when it fails; a Reactor publisher is returned untouched and
 * counts as it is returned.
 */
class ReturnedWorkTest {
    private static final int RECORDER_TARGET = 3;
    private static final int STORE_TARGET = 5;

    private static Class<?> store;
    private static Class<?> recorder;

    private final Sink sink = new Sink();

    @BeforeAll
    static void instrument() throws Exception {
        TestBridge.install();
        store = AdviceTest.instrument(SampleWorkStore.class, STORE_TARGET);
        recorder = AdviceTest.instrument(SampleWorkRecorder.class, RECORDER_TARGET);
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
    void aFutureCountsWhenItCompletesAndNotWhenItFails() throws Exception {
        CompletableFuture<String> saved = new CompletableFuture<>();
        CompletableFuture<String> rejected = new CompletableFuture<>();
        Object target = store.getConstructor().newInstance();

        Object returned = call(target, "append", "e1", saved);
        call(target, "append", "e2", rejected);
        assertThat(returned).as("the method's own future").isSameAs(saved);
        assertThat(sink.calls).isEmpty();

        saved.complete("ok");
        rejected.completeExceptionally(new IllegalStateException("duplicate key"));

        assertThat(sink.calls).containsExactly("stored e1");
    }

    @Test
    void aMonoOrFluxIsReturnedUntouchedAndCountsAsItIsReturned() throws Exception {
        SampleWorkStore plain = new SampleWorkStore();
        Object target = store.getConstructor().newInstance();

        Mono<?> rejected = (Mono<?>) call(target, "save", "e3", true);
        Flux<?> batch = (Flux<?>) call(target, "store", List.of("e4", "e5"));

        // Same class as the method's own: a caller's cast or instanceof sees what it always saw
        assertThat(rejected.getClass()).isSameAs(plain.save("x", true).getClass());
        assertThat(batch.getClass()).isSameAs(plain.store(List.of("x")).getClass());
        assertThat(catchThrowable(rejected::block)).hasMessage("rejected e3");
        assertThat(sink.calls).containsExactly("stored e3", "stored [e4, e5]");
    }

    @Test
    void aRecorderStageAndANullCount() throws Exception {
        Object target = recorder.getConstructor().newInstance();

        CompletableFuture<Void> sent = new CompletableFuture<>();
        call(target, "record", "r1", sent);
        call(target, "record", "r2", null);
        assertThat(sink.calls).as("null: nothing to wait for").containsExactly("recorded r2");
        sent.complete(null);

        assertThat(sink.calls).containsExactly("recorded r2", "recorded r1");
    }

    private static Object call(Object target, String name, Object... args) throws Exception {
        for (var method : target.getClass().getMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == args.length) {
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw (Exception) e.getCause();
                }
            }
        }
        throw new NoSuchMethodException(name);
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
            calls.add("projected " + event);
        }
    }

    /** A store whose methods hand their work back, as a reactive repository's do. */
    public static class SampleWorkStore {
        public CompletableFuture<String> append(Object event, CompletableFuture<String> done) {
            return done;
        }

        public Mono<String> save(Object event, Boolean fails) {
            return Mono.fromCallable(() -> {
                if (fails) {
                    throw new IllegalStateException("rejected " + event);
                }
                return "saved " + event;
            });
        }

        public Flux<Object> store(List<Object> events) {
            return Flux.fromIterable(events);
        }
    }

    public static class SampleWorkRecorder {
        public CompletionStage<Void> record(Object event, CompletionStage<Void> sent) {
            return sent;
        }
    }
}
