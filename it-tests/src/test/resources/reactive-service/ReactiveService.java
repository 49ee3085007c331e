package shop;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A store that hands its work back, as reactive repositories do: saves that succeed, that the
 * database rejects, that nobody subscribes to; a batch as a Flux; appends as futures completed on
 * another thread. Prints what it stored, then waits for its input to close.
 */
public final class ReactiveService {
    public static final class OrderPlaced {
        private final String eventId;

        OrderPlaced(String eventId) {
            this.eventId = eventId;
        }

        public String getEventId() {
            return eventId;
        }

        public String getEventType() {
            return "order.placed";
        }
    }

    public static final class OrderEventStore {
        final java.util.concurrent.atomic.AtomicInteger stored = new java.util.concurrent.atomic.AtomicInteger();
        private final ScheduledExecutorService io = Executors.newSingleThreadScheduledExecutor();

        public Mono<String> save(OrderPlaced event) {
            return Mono.fromCallable(() -> {
                if (event.getEventId().startsWith("dup")) {
                    throw new IllegalStateException("duplicate key " + event.getEventId());
                }
                stored.incrementAndGet();
                return event.getEventId();
            }).subscribeOn(Schedulers.boundedElastic());
        }

        public Flux<String> store(List<OrderPlaced> events) {
            return Flux.fromIterable(events).map(event -> {
                stored.incrementAndGet();
                return event.getEventId();
            });
        }

        public CompletableFuture<Void> append(OrderPlaced event) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            io.schedule(() -> {
                if (event.getEventId().startsWith("dup")) {
                    done.completeExceptionally(new IllegalStateException("duplicate key " + event.getEventId()));
                } else {
                    stored.incrementAndGet();
                    done.complete(null);
                }
            }, 5, TimeUnit.MILLISECONDS);
            return done;
        }
    }

    public static void main(String[] args) throws Exception {
        OrderEventStore store = new OrderEventStore();
        for (int i = 1; i <= 10; i++) {
            store.save(new OrderPlaced("mono-" + i)).block();
            store.save(new OrderPlaced("dup-mono-" + i)).onErrorResume(e -> Mono.empty()).block();
            store.save(new OrderPlaced("never-" + i)); // built, never subscribed: nothing stored
            store.append(new OrderPlaced("future-" + i)).join();
            store.append(new OrderPlaced("dup-future-" + i)).exceptionally(e -> null).join();
        }
        store.store(List.of(new OrderPlaced("flux-1"), new OrderPlaced("flux-2"), new OrderPlaced("flux-3")))
                .collectList().block();
        System.out.println("stored=" + store.stored.get());
        System.out.println("DONE");
        System.in.read();
        store.io.shutdown();
    }
}
