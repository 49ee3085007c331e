package io.kube9.sample.projection;

import io.kube9.sample.store.StoredEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Feeds committed events to the projections on a single background thread, one event at a time
 * and in commit order. Projections therefore lag behind the store, like any asynchronous read model.
 *
 * <p>A projection that throws for an event is counted as failing for that event only; the other
 * projections still get it, and the dispatcher carries on with the next event.
 */
public class ProjectionDispatcher implements AutoCloseable {

    /**
     * One projection to feed.
     *
     * @param name                 used in the counts summary
     * @param handler              the projection's own method, called once per event
     * @param delayBeforeEachEvent an artificial pause before each event, to make lag observable
     */
    public record Subscription(String name, Consumer<StoredEvent> handler, Duration delayBeforeEachEvent) {
        public Subscription(String name, Consumer<StoredEvent> handler) {
            this(name, handler, Duration.ZERO);
        }
    }

    private static final Duration CLOSE_DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final List<Subscription> subscriptions;
    private final Map<String, LongAdder> updates = new LinkedHashMap<>();
    private final Map<String, LongAdder> errors = new LinkedHashMap<>();
    private final BlockingQueue<StoredEvent> queue = new LinkedBlockingQueue<>();
    private final Thread worker;

    // Guarded by `progress`: lets callers wait until everything handed over has been dispatched.
    private final Object progress = new Object();
    private long enqueuedCount;
    private long dispatchedCount;
    private boolean accepting = true;
    private Throwable workerFailure;

    public ProjectionDispatcher(List<Subscription> subscriptions) {
        this.subscriptions = List.copyOf(subscriptions);
        for (Subscription subscription : this.subscriptions) {
            updates.put(subscription.name(), new LongAdder());
            errors.put(subscription.name(), new LongAdder());
        }
        worker = new Thread(this::dispatchUntilInterrupted, "projection-dispatcher");
        // Daemon so that a missed close() can never keep the JVM alive; close() drains the queue.
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues a committed batch; called by the event store, in commit order. */
    public void enqueue(List<StoredEvent> events) {
        synchronized (progress) {
            if (!accepting) {
                throw new IllegalStateException("projection dispatcher is closed");
            }
            enqueuedCount += events.size();
            // Inside the lock, so that queue order is the order in which batches were enqueued.
            queue.addAll(events);
        }
    }

    private void dispatchUntilInterrupted() {
        try {
            while (true) {
                StoredEvent event = queue.take();
                for (Subscription subscription : subscriptions) {
                    dispatch(subscription, event);
                }
                synchronized (progress) {
                    dispatchedCount++;
                    progress.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            // close() asked us to stop.
        } catch (Throwable fatal) {
            synchronized (progress) {
                workerFailure = fatal;
                progress.notifyAll();
            }
            throw fatal;
        }
    }

    private void dispatch(Subscription subscription, StoredEvent event) throws InterruptedException {
        if (!subscription.delayBeforeEachEvent().isZero()) {
            Thread.sleep(subscription.delayBeforeEachEvent().toMillis());
        }
        try {
            subscription.handler().accept(event);
            updates.get(subscription.name()).increment();
        } catch (RuntimeException e) {
            errors.get(subscription.name()).increment();
        }
    }

    /**
     * Waits until every event enqueued so far has been dispatched to all projections.
     *
     * @return false if the timeout elapsed first
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (dispatchedCount < enqueuedCount) {
                if (workerFailure != null) {
                    throw new IllegalStateException("projection dispatcher died", workerFailure);
                }
                long remainingNanos = deadline - System.nanoTime();
                if (remainingNanos <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, remainingNanos);
            }
            return true;
        }
    }

    /** Waits, however long it takes, until every event enqueued so far has been dispatched. */
    public void awaitIdle() throws InterruptedException {
        while (!awaitIdle(Duration.ofMinutes(1))) {
            // keep waiting: a deliberate projection delay can make draining take minutes
        }
    }

    /** Events each projection handled without throwing, by projection name (sorted). */
    public Map<String, Long> updateCounts() {
        return snapshot(updates);
    }

    /** Events each projection threw for, by projection name (sorted). */
    public Map<String, Long> errorCounts() {
        return snapshot(errors);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
        Map<String, Long> counts = new TreeMap<>();
        counters.forEach((name, count) -> counts.put(name, count.sum()));
        return counts;
    }

    /** Stops accepting events, gives the queue a few seconds to drain, then stops the worker. */
    @Override
    public void close() {
        synchronized (progress) {
            if (!accepting) {
                return;
            }
            accepting = false;
        }
        try {
            awaitIdle(CLOSE_DRAIN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException workerAlreadyDead) {
            // nothing left to stop
        }
        worker.interrupt();
    }
}
