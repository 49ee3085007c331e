package io.kube9.agent.capture;

import io.kube9.agent.bridge.EventSink;
import io.kube9.agent.config.Keys;
import io.kube9.agent.instrument.Site;
import io.kube9.agent.instrument.Target;
import io.kube9.agent.instrument.Targets;
import io.kube9.agent.metrics.AgentMetrics;
import io.kube9.agent.metrics.ProjectionInstruments;
import io.kube9.agent.queue.CapturedEvent;
import io.kube9.agent.queue.EventQueue;
import io.kube9.agent.queue.Lane;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Turns intercepted calls into metrics and journal rows, on the application's thread: read the
 * event's attributes through cached accessors, bump cached data points, fill one queue slot.
 * No lock, no I/O, no allocation for the common event shapes; a full queue is a counted drop.
 */
public final class CaptureSink implements EventSink {
    /** What the journal says of the thread of a virtual thread without a name. */
    static final String VIRTUAL = "virtual";
    /** {@code Thread::isVirtual}, on Java 21 and later; null before. */
    private static final MethodHandle IS_VIRTUAL = isVirtual();
    /** What {@code Collections.synchronizedList} and its kin make, or null if this JDK has no such class. */
    private static final Class<?> SYNCHRONIZED = jdkClass("java.util.Collections$SynchronizedCollection");

    private final AgentMetrics metrics;
    /** null: journal off; dropped when the journal, opened after capture starts, cannot open. */
    private volatile EventQueue queue;
    private final ClassValue<EventShape>[] shapes;
    private final ClassValue<ProjectionLabels>[] projections;
    private final boolean keepPayload;
    /** The most payload bytes the journal keeps of an event ({@code kube9.journal.payload-max-bytes}). */
    private final int payloadLimit;
    private final Runnable accessorError;
    private final CoarseClock clock;
    /** Told of the first failure of capture (the agent's own fault): later ones are only counted. */
    private volatile Consumer<Throwable> firstFailure = failure -> {};
    private final AtomicBoolean failedBefore = new AtomicBoolean();

    /**
     * @param queue the journal's queue, or null when the journal is off
     * @param keepPayload whether payload objects travel to the journal (payload capture on)
     */
    public CaptureSink(Targets targets, AgentMetrics metrics, EventQueue queue, boolean keepPayload) {
        this(targets, metrics, queue, keepPayload, Keys.JOURNAL_PAYLOAD_MAX.defaultValue());
    }

    /**
     * @param queue the journal's queue, or null when the journal is off
     * @param keepPayload whether payloads travel to the journal (payload capture on)
     * @param payloadLimit how many bytes of a payload the journal keeps
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CaptureSink(Targets targets, AgentMetrics metrics, EventQueue queue, boolean keepPayload,
            int payloadLimit) {
        this.metrics = metrics;
        this.queue = queue;
        this.keepPayload = keepPayload;
        this.payloadLimit = payloadLimit;
        this.accessorError = metrics::accessorError;
        this.clock = CoarseClock.start("kube9-clock-1");
        int count = targets.all().size();
        this.shapes = new ClassValue[count];
        this.projections = new ClassValue[count];
        for (int i = 0; i < count; i++) {
            Target target = targets.get(i);
            shapes[i] = new ClassValue<>() {
                @Override
                protected EventShape computeValue(Class<?> type) {
                    return new EventShape(type, target.accessors().forEventClass(type), accessorError);
                }
            };
            projections[i] = new ClassValue<>() {
                @Override
                protected ProjectionLabels computeValue(Class<?> type) {
                    return new ProjectionLabels(type, target.projectionLabel(), metrics, accessorError);
                }
            };
        }
    }

    /**
     * Who is told of the first failure of capture, on the application's thread: it must only hand
     * it on (to a thread of the agent's that logs it), never block.
     */
    public void onFirstFailure(Consumer<Throwable> firstFailure) {
        this.firstFailure = firstFailure;
    }

    /** A failure of the agent's own code: counted, and the first one told; the call goes on unchanged. */
    private void failed(Throwable failure) {
        metrics.adviceError();
        if (!failedBefore.get() && failedBefore.compareAndSet(false, true)) {
            try {
                firstFailure.accept(failure);
            } catch (Throwable ignored) {
                // it only hands the failure on; nothing of it may reach the service
            }
        }
    }

    /** The journal could not open: its queue is no longer fed (the runtime drops what it holds). */
    public void withoutJournal() {
        queue = null;
    }

    @Override
    public void recorded(int target, String source, Object event, int thread) {
        try {
            if (event instanceof Iterable || event instanceof Object[]) {
                forEach(Site.RECORDER, target, source, event, thread);
            } else if (event == null) {
                recordOne(target, source, null, thread);
            } else {
                EventShape shape = shapes[target].get(event.getClass());
                if (shape.elements == null) {
                    record(target, source, event, shape, thread);
                } else {
                    forEachOfScala(Site.RECORDER, target, source, event, shape.elements, thread);
                }
            }
        } catch (Throwable t) {
            failed(t);
        }
    }

    @Override
    public void stored(int target, String source, Object event, int thread) {
        try {
            if (event instanceof Iterable || event instanceof Object[]) {
                forEach(Site.STORE, target, source, event, thread);
            } else if (event == null) {
                storeOne(target, source, null, thread);
            } else {
                EventShape shape = shapes[target].get(event.getClass());
                if (shape.elements == null) {
                    store(target, source, event, shape, thread);
                } else {
                    forEachOfScala(Site.STORE, target, source, event, shape.elements, thread);
                }
            }
        } catch (Throwable t) {
            failed(t);
        }
    }

    @Override
    public void projected(int target, Object projection, Object event, long startNanos, Throwable thrown) {
        try {
            long duration = System.nanoTime() - startNanos;
            Class<?> type = projection instanceof Class ? (Class<?>) projection : projection.getClass();
            ProjectionInstruments instruments = projections[target].get(type).of(projection);
            if (thrown != null) {
                instruments.failed(duration);
                return;
            }
            Object latest = event;
            long events = 1;
            EventShape shape = null;
            if (event instanceof List && event instanceof RandomAccess) {
                List<?> list = (List<?>) event;
                events = list.size();
                latest = events == 0 ? null : list.get(list.size() - 1);
            } else if (event instanceof Object[]) {
                Object[] array = (Object[]) event;
                events = array.length;
                latest = events == 0 ? null : array[array.length - 1];
            } else if (event instanceof Iterable) {
                events = 0;
                for (Object element : (Iterable<?>) event) {
                    events++;
                    latest = element;
                }
            } else if (event != null) {
                shape = shapes[target].get(event.getClass());
                ScalaCollection elements = shape.elements;
                if (elements != null) {
                    shape = null;
                    events = 0;
                    latest = null;
                    for (Object iterator = elements.iterator(event); elements.hasNext(iterator); ) {
                        events++;
                        latest = elements.next(iterator);
                    }
                }
            }
            instruments.handled(events, duration);
            if (latest != null) {
                if (shape == null) {
                    shape = shapes[target].get(latest.getClass());
                }
                long occurredAt = shape.timestamp(latest);
                if (occurredAt != EventShape.NO_TIME) {
                    long handledAt = clock.millisNotBefore(occurredAt);
                    instruments.lag(handledAt, handledAt - occurredAt);
                }
            }
        } catch (Throwable t) {
            failed(t);
        }
    }

    private void recordOne(int target, String source, Object event, int thread) {
        if (event == null) {
            metrics.eventRecorded(EventShape.UNKNOWN, EventShape.UNKNOWN);
            enqueue(thread, Site.RECORDER, source, EventShape.UNKNOWN, EventShape.UNKNOWN, null, null, null, -1);
            return;
        }
        record(target, source, event, shapes[target].get(event.getClass()), thread);
    }

    private void record(int target, String source, Object event, EventShape shape, int thread) {
        String type = shape.eventType(event);
        String severity = shape.severity(event);
        metrics.eventRecorded(type, severity);
        if (queue != null) {
            Object payload = shape.payload(event);
            enqueue(thread, Site.RECORDER, source, type, severity, event, shape, payload,
                    shape.payloadBytes(payload));
        }
    }

    private void storeOne(int target, String source, Object event, int thread) {
        if (event == null) {
            metrics.eventStored(EventShape.UNKNOWN, 0);
            enqueue(thread, Site.STORE, source, EventShape.UNKNOWN, EventShape.UNKNOWN, null, null, null, -1);
            return;
        }
        store(target, source, event, shapes[target].get(event.getClass()), thread);
    }

    private void store(int target, String source, Object event, EventShape shape, int thread) {
        String type = shape.eventType(event);
        Object payload = shape.payload(event);
        long payloadBytes = shape.payloadBytes(payload);
        metrics.eventStored(type, payloadBytes);
        if (queue != null) { // the severity of a stored event is read for the journal only
            enqueue(thread, Site.STORE, source, type, shape.severity(event), event, shape, payload, payloadBytes);
        }
    }

    private void enqueue(int thread, Site site, String source, String type, String severity, Object event,
            EventShape shape, Object payload, long payloadBytes) {
        EventQueue queue = this.queue;
        if (queue == null) {
            return;
        }
        Object eventId = null;
        Object aggregateId = null;
        long occurredAt = CapturedEvent.NO_TIME;
        if (shape != null) {
            eventId = shape.idAtTheCall(shape.id(event));
            aggregateId = shape.idAtTheCall(shape.aggregateId(event));
            occurredAt = shape.timestamp(event);
        }
        if (this.queue == null) {
            return; // the journal gave up while the event's getters ran: its queue is being let go
        }
        Lane lane = queue.lane(thread);
        long position = lane.claim();
        if (position < 0) {
            return; // counted as dropped by the queue
        }
        if (keepPayload && shape != null) { // copied only once it has a place: an overloaded queue drops
            payload = shape.payloadAtTheCall(payload, payloadLimit);
        }
        lane.put(position, site.label(), source, type, severity,
                threadName(Thread.currentThread()), eventId,
                aggregateId, occurredAt, clock.millisNotBefore(occurredAt), payloadBytes, keepPayload ? payload : null);
    }

    /**
     * The thread's name, or {@value #VIRTUAL} for a virtual thread without one (a service that
     * runs each request on a new virtual thread leaves them unnamed). Naming each by its id would
     * make a string per event on the application's thread; the journal says what kind of thread
     * it was instead of nothing.
     */
    static String threadName(Thread thread) {
        String name = thread.getName();
        if (name.isEmpty() && IS_VIRTUAL != null) {
            try {
                return (boolean) IS_VIRTUAL.invokeExact(thread) ? VIRTUAL : name;
            } catch (Throwable t) {
                return name;
            }
        }
        return name;
    }

    private static Class<?> jdkClass(String name) {
        try {
            return Class.forName(name, false, null);
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static MethodHandle isVirtual() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException | RuntimeException beforeJava21) {
            return null;
        }
    }

    /** Each element of a batch as one event; no lambda, so no allocation per batch (issue 5). */
    private void forEach(Site site, int target, String source, Object batch, int thread) {
        if (batch instanceof Object[]) {
            for (Object element : (Object[]) batch) {
                one(site, target, source, element, thread);
            }
        } else if (SYNCHRONIZED != null && SYNCHRONIZED.isInstance(batch)) {
            // A collection the service shares between threads: walked one call at a time, another
            // thread's add or remove ended the walk part-way; its toArray holds its lock throughout.
            for (Object element : ((Collection<?>) batch).toArray()) {
                one(site, target, source, element, thread);
            }
        } else if (batch instanceof List && batch instanceof RandomAccess) {
            List<?> list = (List<?>) batch;
            for (int i = 0, n = list.size(); i < n; i++) {
                one(site, target, source, list.get(i), thread);
            }
        } else {
            for (Object element : (Iterable<?>) batch) {
                one(site, target, source, element, thread);
            }
        }
    }

    /** Each element of a Scala collection as one event (an element that is one itself is one event). */
    private void forEachOfScala(Site site, int target, String source, Object batch, ScalaCollection elements,
            int thread) throws Throwable {
        Object iterator = elements.iterator(batch);
        while (elements.hasNext(iterator)) {
            one(site, target, source, elements.next(iterator), thread);
        }
    }

    /** One element of a batch: a failure with it is counted, and the batch's other elements go on. */
    private void one(Site site, int target, String source, Object event, int thread) {
        try {
            if (site == Site.RECORDER) {
                recordOne(target, source, event, thread);
            } else {
                storeOne(target, source, event, thread);
            }
        } catch (Throwable t) {
            failed(t);
        }
    }
}
