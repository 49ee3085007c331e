package io.kube9.agent.capture;

import static io.kube9.agent.metrics.Scraped.count;
import static io.kube9.agent.metrics.Scraped.sum;
import static io.kube9.agent.metrics.Scraped.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kube9.agent.config.TestConfigs;
import io.kube9.agent.instrument.Targets;
import io.kube9.agent.metrics.AgentMetrics;
import io.kube9.agent.metrics.Scraped;
import io.kube9.agent.queue.CapturedEvent;
import io.kube9.agent.queue.EventQueue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CaptureSinkTest {
    // Targets.from(defaults): recorder, store, projection, in that order
    private static final int RECORDER = 0;
    private static final int STORE = 1;
    private static final int PROJECTION = 2;
    private static final String RECORDER_SOURCE = "com.acme.AuditEventRecorder#record";
    private static final String STORE_SOURCE = "com.acme.OrderEventStore#append";

    private final Targets targets = Targets.from(TestConfigs.defaults());
    private final AgentMetrics metrics = new AgentMetrics(200);
    private final EventQueue queue = new EventQueue(64);
    private final CaptureSink sink = new CaptureSink(targets, metrics, queue, false);

    // ---- recorder -----------------------------------------------------------------------------

    @Test
    void aRecordedEventCountsByTypeAndSeverityAndGoesToTheQueue() {
        UUID id = UUID.randomUUID();
        Instant occurredAt = Instant.parse("2024-05-01T10:15:30.123Z");
        OrderEvent event = new OrderEvent("order.created", Severity.WARNING, occurredAt, "héllo", id, "order-1");
        long before = System.currentTimeMillis();

        sink.recorded(RECORDER, RECORDER_SOURCE, event, 0);
        long after = System.currentTimeMillis();

        assertThat(value(metrics, "kube9_events_total", "event_type", "order.created", "severity", "warning"))
                .isEqualTo(1.0);
        assertThat(sum(metrics, "events_stored_total")).isZero();
        CapturedEvent row = drainOne();
        assertThat(row.site).isEqualTo("recorder");
        assertThat(row.source).isEqualTo(RECORDER_SOURCE);
        assertThat(row.eventType).isEqualTo("order.created");
        assertThat(row.severity).isEqualTo("warning");
        assertThat(row.eventId).isSameAs(id);
        assertThat(row.aggregateId).isEqualTo("order-1");
        assertThat(row.occurredAt).isEqualTo(occurredAt.toEpochMilli());
        // The coarse clock trails the system clock by up to a tick (more if its thread is descheduled).
        assertThat(row.recordedAt).isBetween(before - 1000, after);
        assertThat(row.payloadBytes).isEqualTo(6);
        assertThat(row.payload).as("payload capture is off").isNull();
        assertThat(row.thread).isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void repeatedEventsAddUpPerLabelPair() {
        for (int i = 0; i < 3; i++) {
            sink.recorded(RECORDER, RECORDER_SOURCE, new OrderEvent("order.created", Severity.INFO), 0);
        }
        sink.recorded(RECORDER, RECORDER_SOURCE, new OrderEvent("order.created", Severity.WARNING), 0);
        sink.recorded(RECORDER, RECORDER_SOURCE, new OrderEvent("order.paid", Severity.INFO), 0);

        assertThat(count(metrics, "kube9_events_total", "event_type", "order.created", "severity", "info")).isEqualTo(3);
        assertThat(count(metrics, "kube9_events_total", "event_type", "order.created", "severity", "warning")).isEqualTo(1);
        assertThat(count(metrics, "kube9_events_total", "event_type", "order.paid", "severity", "info")).isEqualTo(1);
        assertThat(queue.size()).isEqualTo(5);
    }

    @Test
    void theQueueHoldsOneInstanceOfARepeatedTypeAndSeverityNotTheApplicationsNewOnes() {
        for (int i = 0; i < 3; i++) {
            // as a service that reads its events from JSON: new strings every time
            sink.recorded(RECORDER, RECORDER_SOURCE, Map.of("eventType", new String("order.created".toCharArray()),
                    "severity", new String("warning".toCharArray())), 0);
        }

        CapturedEvent[] rows = rows(queue.capacity());
        assertThat(queue.drainTo(rows, rows.length)).isEqualTo(3);
        assertThat(rows[0].eventType).isEqualTo("order.created");
        assertThat(rows[1].eventType).isSameAs(rows[0].eventType);
        assertThat(rows[2].eventType).isSameAs(rows[0].eventType);
        assertThat(rows[0].severity).isEqualTo("warning");
        assertThat(rows[2].severity).isSameAs(rows[0].severity);
    }

    @Test
    void theQueueCarriesTheThreadsNameAndAPlatformThreadNamedNothingKeepsItsEmptyName() throws Exception {
        Thread named = new Thread(() -> sink.recorded(RECORDER, RECORDER_SOURCE, new Plain(), 0), "order-worker-7");
        Thread unnamed = new Thread(() -> sink.recorded(RECORDER, RECORDER_SOURCE, new Plain(), 0), "");
        named.start();
        named.join();
        unnamed.start();
        unnamed.join();

        CapturedEvent[] rows = rows(queue.capacity());
        assertThat(queue.drainTo(rows, rows.length)).isEqualTo(2);
        assertThat(rows[0].thread).isEqualTo("order-worker-7");
        assertThat(rows[1].thread).as("'virtual' is for virtual threads only (VirtualThreadsIT)").isEmpty();
        assertThat(CaptureSink.threadName(unnamed)).isEmpty();
    }

    @Test
    void withPayloadCaptureTheQueueCarriesThePayloadObject() {
        CaptureSink keeping = new CaptureSink(targets, metrics, queue, true);
        OrderEvent event = new OrderEvent("order.created", Severity.INFO);

        keeping.recorded(RECORDER, RECORDER_SOURCE, event, 0);

        assertThat(drainOne().payload).isSameAs(event.data());
    }

    @Test
    void idsAndPayloadsThatTheServiceReusesAreTakenAsTheyReadAtTheCall() {
        CaptureSink keeping = new CaptureSink(targets, metrics, queue, true, 8);
        StringBuilder id = new StringBuilder("evt-0");
        byte[] bytes = "{\"order\":0}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap("{\"order\":1}".getBytes(StandardCharsets.UTF_8));
        StringBuilder text = new StringBuilder("order 2 of many");

        keeping.recorded(RECORDER, RECORDER_SOURCE, new Carrier("a", id, bytes), 0);
        keeping.recorded(RECORDER, RECORDER_SOURCE, new Carrier("b", id, buffer), 0);
        keeping.recorded(RECORDER, RECORDER_SOURCE, new Carrier("c", id, text), 0);
        id.setLength(0);
        id.append("evt-LATER");
        Arrays.fill(bytes, (byte) 'x');
        buffer.put(0, (byte) 'x');
        text.setLength(0);

        CapturedEvent[] rows = rows(queue.capacity());
        assertThat(queue.drainTo(rows, rows.length)).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(rows[i].eventId).isEqualTo("evt-0");
        }
        assertThat(rows[0].payload).isEqualTo("{\"order\"".getBytes(StandardCharsets.UTF_8));
        assertThat(rows[0].payloadBytes).as("counted whole; stored to the limit").isEqualTo(11);
        assertThat(rows[1].payload).isEqualTo("{\"order\"".getBytes(StandardCharsets.UTF_8));
        assertThat(buffer.position()).as("the service's buffer, untouched").isZero();
        assertThat(rows[2].payload).isEqualTo("order 2 ");
        assertThat(count(metrics, "kube9_accessor_errors_total")).isZero();
    }

    @Test
    void aPayloadWhoseTextThrowsIsCountedAndTheRestOfItsBatchGoesOn() {
        List<Carrier> batch = List.of(new Carrier("a", "e-1", "fine"), new Carrier("b", "e-2", new BrokenText()),
                new Carrier("c", "e-3", "fine too"));
        CaptureSink keeping = new CaptureSink(targets, metrics, queue, true);

        sink.stored(STORE, STORE_SOURCE, batch, 0);
        sink.recorded(RECORDER, RECORDER_SOURCE, batch.get(1), 0);
        keeping.recorded(RECORDER, RECORDER_SOURCE, batch.get(1), 0);

        assertThat(sum(metrics, "events_stored_total")).isEqualTo(3);
        assertThat(value(metrics, "events_stored_bytes_total")).isEqualTo(12.0);
        assertThat(sum(metrics, "kube9_events_total")).isEqualTo(2);
        CapturedEvent[] rows = rows(queue.capacity());
        assertThat(queue.drainTo(rows, rows.length)).as("captured = rows + drops").isEqualTo(5);
        assertThat(rows[1].eventId).isEqualTo("e-2");
        assertThat(rows[1].payloadBytes).isEqualTo(-1);
        assertThat(rows[4].payload).isNull();
        assertThat(count(metrics, "kube9_accessor_errors_total")).isEqualTo(4);
        assertThat(count(metrics, "kube9_advice_errors_total")).isZero();
    }

    @Test
    void aNullEventCountsAsUnknown() {
        sink.recorded(RECORDER, RECORDER_SOURCE, null, 0);

        assertThat(value(metrics, "kube9_events_total", "event_type", "unknown", "severity", "unknown")).isEqualTo(1.0);
        CapturedEvent row = drainOne();
        assertThat(row.eventType).isEqualTo("unknown");
        assertThat(row.severity).isEqualTo("unknown");
        assertThat(row.eventId).isNull();
        assertThat(row.occurredAt).isEqualTo(CapturedEvent.NO_TIME);
        assertThat(row.payloadBytes).isEqualTo(-1);
        assertThat(row.source).isEqualTo(RECORDER_SOURCE);
    }

    @Test
    void anEventWithoutAttributesIsNamedAfterItsClass() {
        sink.recorded(RECORDER, RECORDER_SOURCE, new Plain(), 0);

        assertThat(value(metrics, "kube9_events_total", "event_type", "Plain", "severity", "unknown")).isEqualTo(1.0);
        CapturedEvent row = drainOne();
        assertThat(row.payloadBytes).isEqualTo(-1);
        assertThat(row.occurredAt).isEqualTo(CapturedEvent.NO_TIME);
    }

    @Test
    void mapEventsAreRead() {
        sink.recorded(RECORDER, RECORDER_SOURCE, Map.of("type", "user.login", "level", "debug", "id", 12), 0);

        assertThat(value(metrics, "kube9_events_total", "event_type", "user.login", "severity", "debug")).isEqualTo(1.0);
        assertThat(drainOne().eventId).isEqualTo(12);
    }

    @Test
    void aThrowingAccessorIsCountedAndTheEventStillCounts() {
        sink.recorded(RECORDER, RECORDER_SOURCE, new Exploding(), 0);

        assertThat(value(metrics, "kube9_events_total", "event_type", "Exploding", "severity", "unknown"))
                .isEqualTo(1.0);
        assertThat(count(metrics, "kube9_accessor_errors_total")).isEqualTo(2);
        assertThat(count(metrics, "kube9_advice_errors_total")).isZero();
        assertThat(queue.size()).isEqualTo(1);
    }

    // ---- store --------------------------------------------------------------------------------

    @Test
    void aStoredEventCountsByTypeAndPayloadBytesAndGoesToTheQueue() {
        OrderEvent event = new OrderEvent("order.created", Severity.INFO, null, "12345678", "e-1", "order-1");

        sink.stored(STORE, STORE_SOURCE, event, 0);

        assertThat(value(metrics, "events_stored_total", "event_type", "order.created")).isEqualTo(1.0);
        assertThat(value(metrics, "events_stored_bytes_total")).isEqualTo(8.0);
        assertThat(sum(metrics, "kube9_events_total")).isZero();
        CapturedEvent row = drainOne();
        assertThat(row.site).isEqualTo("store");
        assertThat(row.source).isEqualTo(STORE_SOURCE);
        assertThat(row.eventType).isEqualTo("order.created");
        assertThat(row.severity).isEqualTo("info");
        assertThat(row.eventId).isEqualTo("e-1");
        assertThat(row.occurredAt).isEqualTo(CapturedEvent.NO_TIME);
        assertThat(row.payloadBytes).isEqualTo(8);
        assertThat(row.payload).isNull();
    }

    @Test
    void aStoredNullEventCountsAsUnknownWithoutBytes() {
        sink.stored(STORE, STORE_SOURCE, null, 0);

        assertThat(value(metrics, "events_stored_total", "event_type", "unknown")).isEqualTo(1.0);
        assertThat(value(metrics, "events_stored_bytes_total")).isZero();
        CapturedEvent row = drainOne();
        assertThat(row.site).isEqualTo("store");
        assertThat(row.eventType).isEqualTo("unknown");
        assertThat(row.payloadBytes).isEqualTo(-1);
    }

    // ---- batches ------------------------------------------------------------------------------

    @Test
    void everyElementOfABatchCounts() {
        List<Object> list = List.of(new OrderEvent("a", Severity.INFO), new OrderEvent("b", Severity.INFO));
        LinkedHashSet<Object> set = new LinkedHashSet<>(List.of(new OrderEvent("c", Severity.INFO),
                new OrderEvent("d", Severity.INFO), new OrderEvent("e", Severity.INFO)));
        Object[] array = {new OrderEvent("f", Severity.INFO)};
        LinkedList<Object> linked = new LinkedList<>(List.of(new OrderEvent("g", Severity.INFO)));

        sink.recorded(RECORDER, RECORDER_SOURCE, list, 0);
        sink.recorded(RECORDER, RECORDER_SOURCE, set, 0);
        sink.recorded(RECORDER, RECORDER_SOURCE, array, 0);
        sink.recorded(RECORDER, RECORDER_SOURCE, linked, 0);

        assertThat(sum(metrics, "kube9_events_total")).isEqualTo(7);
        assertThat(Scraped.labelValues(metrics, "kube9_events_total", "event_type"))
                .containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f", "g");
        assertThat(drainTypes()).containsExactly("a", "b", "c", "d", "e", "f", "g");
    }

    @Test
    void everyElementOfAStoredBatchCountsWithItsBytes() {
        OrderEvent[] batch = {
            new OrderEvent("order.created", Severity.INFO, null, "abc", null, null),
            new OrderEvent("order.paid", Severity.INFO, null, "€", null, null),
        };

        sink.stored(STORE, STORE_SOURCE, batch, 0);
        sink.stored(STORE, STORE_SOURCE, new ArrayList<>(List.of(batch[0])), 0);

        assertThat(count(metrics, "events_stored_total", "event_type", "order.created")).isEqualTo(2);
        assertThat(count(metrics, "events_stored_total", "event_type", "order.paid")).isEqualTo(1);
        assertThat(value(metrics, "events_stored_bytes_total")).isEqualTo(9.0);
        assertThat(drainTypes()).containsExactly("order.created", "order.paid", "order.created");
    }

    @Test
    void aSynchronizedBatchThatAnotherThreadChangesIsWalkedWholeUnderItsLock() throws Exception {
        EventQueue large = new EventQueue(1 << 16);
        CaptureSink sharing = new CaptureSink(targets, metrics, large, false);
        List<Object> batch = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 5_000; i++) {
            batch.add(new OrderEvent("order.created", Severity.INFO));
        }
        AtomicBoolean done = new AtomicBoolean();
        Thread other = new Thread(() -> {
            OrderEvent extra = new OrderEvent("order.extra", Severity.INFO);
            while (!done.get()) {
                batch.add(extra);
                batch.remove(batch.size() - 1);
            }
        });
        other.start();
        try {
            for (int i = 0; i < 10; i++) {
                sharing.stored(STORE, STORE_SOURCE, batch, 0);
            }
        } finally {
            done.set(true);
            other.join();
        }

        assertThat(count(metrics, "kube9_advice_errors_total")).isZero();
        double created = value(metrics, "events_stored_total", "event_type", "order.created");
        double total = sum(metrics, "events_stored_total");
        assertThat(created).isEqualTo(50_000);
        assertThat(total - created).as("the other thread's event, seen in some walks").isBetween(0.0, 10.0);
        assertThat(large.size()).isEqualTo((int) total);
    }

    @Test
    void nullElementsOfABatchCountAsUnknownAndEmptyBatchesCountNothing() {
        sink.recorded(RECORDER, RECORDER_SOURCE, Arrays.asList(new OrderEvent("a", Severity.INFO), null), 0);
        sink.recorded(RECORDER, RECORDER_SOURCE, List.of(), 0);
        sink.stored(STORE, STORE_SOURCE, new Object[0], 0);

        assertThat(count(metrics, "kube9_events_total", "event_type", "unknown", "severity", "unknown")).isEqualTo(1);
        assertThat(sum(metrics, "kube9_events_total")).isEqualTo(2);
        assertThat(sum(metrics, "events_stored_total")).isZero();
        assertThat(drainTypes()).containsExactly("a", "unknown");
    }

    @Test
    void everyElementOfAScalaCollectionCounts() {
        // Scala's collections are not java.lang.Iterable: a Seq was one event of type "$colon$colon"
        scala.collection.immutable.List<Object> list = scala.jdk.javaapi.CollectionConverters.asScala(
                List.<Object>of(new OrderEvent("a", Severity.INFO), new OrderEvent("b", Severity.INFO))).toList();
        scala.collection.immutable.Vector<Object> vector = scala.jdk.javaapi.CollectionConverters.asScala(
                List.<Object>of(new OrderEvent("c", Severity.INFO))).toVector();
        scala.collection.mutable.ArrayBuffer<Object> buffer = new scala.collection.mutable.ArrayBuffer<>();
        buffer.addOne(new OrderEvent("d", Severity.INFO));
        buffer.addOne(null);

        sink.recorded(RECORDER, RECORDER_SOURCE, list, 0);
        sink.stored(STORE, STORE_SOURCE, vector, 0);
        sink.stored(STORE, STORE_SOURCE, buffer, 0);
        sink.recorded(RECORDER, RECORDER_SOURCE, scala.Option.apply(new OrderEvent("e", Severity.INFO)), 0);
        sink.recorded(RECORDER, RECORDER_SOURCE, scala.Option.empty(), 0);
        sink.stored(STORE, STORE_SOURCE, scala.collection.immutable.Nil$.MODULE$, 0);

        assertThat(sum(metrics, "kube9_events_total")).isEqualTo(3);
        assertThat(sum(metrics, "events_stored_total")).isEqualTo(3);
        assertThat(drainTypes()).containsExactly("a", "b", "c", "d", "unknown", "e");
    }

    @Test
    void aScalaMapOrACollectionOfValuesIsOneEvent() {
        // walked, a 50 kB ArraySeq[Byte] (the shape of Pekko's ByteString) was 50,000 events of type Byte
        Object map = scala.collection.immutable.Map$.MODULE$.from(scala.jdk.javaapi.CollectionConverters.asScala(
                Map.of("eventType", "order.created")));
        Object bytes = scala.collection.immutable.ArraySeq$.MODULE$.unsafeWrapArray(new byte[50_000]);
        Object text = new scala.collection.immutable.WrappedString("hello");
        Object range = scala.collection.immutable.Range$.MODULE$.inclusive(1, 10);
        scala.collection.immutable.Set<Object> set = scala.jdk.javaapi.CollectionConverters.asScala(
                java.util.Set.<Object>of(new OrderEvent("s", Severity.INFO))).toSet();

        for (Object values : List.of(map, bytes, text, range)) {
            sink.stored(STORE, STORE_SOURCE, values, 0);
        }
        sink.stored(STORE, STORE_SOURCE, set, 0);

        assertThat(sum(metrics, "events_stored_total")).isEqualTo(5);
        assertThat(drainTypes()).containsExactly("Map1", "ofByte", "WrappedString", "Inclusive", "s");
    }

    @Test
    void aScalaIteratorOrLazyListIsOneEventAndIsNotWalked() {
        scala.collection.Iterator<Object> iterator = scala.jdk.javaapi.CollectionConverters.asScala(
                List.<Object>of(new OrderEvent("a", Severity.INFO)).iterator());
        scala.collection.immutable.LazyList<Object> lazy = scala.collection.immutable.LazyList.from(
                scala.jdk.javaapi.CollectionConverters.asScala(List.<Object>of(new OrderEvent("b", Severity.INFO))));

        sink.recorded(RECORDER, RECORDER_SOURCE, iterator, 0);
        sink.recorded(RECORDER, RECORDER_SOURCE, lazy, 0);

        assertThat(iterator.hasNext()).as("the service's iterator is not used up").isTrue();
        assertThat(lazy.knownSize()).as("nor the lazy list evaluated").isEqualTo(-1);
        assertThat(sum(metrics, "kube9_events_total")).isEqualTo(2);
        assertThat(drainTypes()).hasSize(2).doesNotContain("a", "b").contains("LazyList");
    }

    // ---- label limit --------------------------------------------------------------------------

    @Test
    void eventTypesPastTheLabelLimitBecomeOtherInMetricsButNotInTheJournal() {
        AgentMetrics limited = new AgentMetrics(2);
        CaptureSink capped = new CaptureSink(targets, limited, queue, false);

        for (String type : List.of("a", "b", "c", "d", "a", "c")) {
            capped.recorded(RECORDER, RECORDER_SOURCE, new OrderEvent(type, Severity.INFO), 0);
        }

        assertThat(count(limited, "kube9_events_total", "event_type", "a", "severity", "info")).isEqualTo(2);
        assertThat(count(limited, "kube9_events_total", "event_type", "b", "severity", "info")).isEqualTo(1);
        assertThat(count(limited, "kube9_events_total", "event_type", "other", "severity", "info")).isEqualTo(3);
        assertThat(Scraped.labelValues(limited, "kube9_events_total", "event_type"))
                .containsExactlyInAnyOrder("a", "b", "other");
        assertThat(drainTypes()).containsExactly("a", "b", "c", "d", "a", "c");
    }

    @Test
    void recordedAndStoredEventTypesEachHaveTheirOwnLabelLimit() {
        AgentMetrics limited = new AgentMetrics(2);
        CaptureSink capped = new CaptureSink(targets, limited, null, false);

        capped.stored(STORE, STORE_SOURCE, new OrderEvent("order.created", Severity.INFO), 0);
        for (int i = 0; i < 50; i++) { // a recorder with a request id in its types
            capped.recorded(RECORDER, RECORDER_SOURCE, new OrderEvent("request-" + i, Severity.INFO), 0);
        }
        capped.stored(STORE, STORE_SOURCE, new OrderEvent("order.paid", Severity.INFO), 0);
        capped.stored(STORE, STORE_SOURCE, new OrderEvent("order.shipped", Severity.INFO), 0);

        assertThat(Scraped.labelValues(limited, "kube9_events_total", "event_type"))
                .containsExactlyInAnyOrder("request-0", "request-1", "other");
        assertThat(count(limited, "events_stored_total", "event_type", "order.created")).isEqualTo(1);
        assertThat(count(limited, "events_stored_total", "event_type", "order.paid")).isEqualTo(1);
        assertThat(count(limited, "events_stored_total", "event_type", "other")).isEqualTo(1);
    }

    @Test
    void theLabelLimitAppliesToStoredEventTypesAndSeveritiesToo() {
        AgentMetrics limited = new AgentMetrics(1);
        CaptureSink capped = new CaptureSink(targets, limited, null, false);

        capped.stored(STORE, STORE_SOURCE, new OrderEvent("x", Severity.INFO), 0);
        capped.stored(STORE, STORE_SOURCE, new OrderEvent("y", Severity.INFO), 0);
        capped.recorded(RECORDER, RECORDER_SOURCE, new OrderEvent("x", Severity.INFO), 0);
        capped.recorded(RECORDER, RECORDER_SOURCE, new OrderEvent("x", Severity.WARNING), 0);

        assertThat(count(limited, "events_stored_total", "event_type", "x")).isEqualTo(1);
        assertThat(count(limited, "events_stored_total", "event_type", "other")).isEqualTo(1);
        assertThat(count(limited, "kube9_events_total", "event_type", "x", "severity", "info")).isEqualTo(1);
        assertThat(count(limited, "kube9_events_total", "event_type", "x", "severity", "other")).isEqualTo(1);
    }

    // ---- without a journal, with a full queue -------------------------------------------------

    @Test
    void withTheJournalOffMetricsStillCount() {
        CaptureSink noJournal = new CaptureSink(targets, metrics, null, false);

        noJournal.recorded(RECORDER, RECORDER_SOURCE, new OrderEvent("a", Severity.INFO), 0);
        noJournal.recorded(RECORDER, RECORDER_SOURCE, null, 0);
        noJournal.stored(STORE, STORE_SOURCE, new OrderEvent("b", Severity.INFO), 0);
        noJournal.stored(STORE, STORE_SOURCE, null, 0);

        assertThat(sum(metrics, "kube9_events_total")).isEqualTo(2);
        assertThat(sum(metrics, "events_stored_total")).isEqualTo(2);
        assertThat(count(metrics, "kube9_advice_errors_total")).isZero();
    }

    @Test
    void aFullQueueDropsTheOldestWhileMetricsCountEverything() {
        EventQueue small = new EventQueue(2);
        CaptureSink sinkWithSmallQueue = new CaptureSink(targets, metrics, small, false);

        for (String type : List.of("a", "b", "c", "d", "e")) {
            sinkWithSmallQueue.recorded(RECORDER, RECORDER_SOURCE, new OrderEvent(type, Severity.INFO), 0);
        }

        assertThat(sum(metrics, "kube9_events_total")).isEqualTo(5);
        assertThat(small.dropped()).isEqualTo(3);
        CapturedEvent[] rows = rows(2);
        assertThat(small.drainTo(rows, 2)).isEqualTo(2);
        assertThat(rows[0].eventType).isEqualTo("d");
        assertThat(rows[1].eventType).isEqualTo("e");
    }

    @Test
    void eachThreadNumberFillsItsOwnLaneAndAFullLaneDropsOnlyItsOwnOldest() {
        EventQueue laned = EventQueue.laned(4, 2); // two lanes of 2
        CaptureSink sinkWithLanes = new CaptureSink(targets, metrics, laned, false);

        for (String type : List.of("a", "b", "c")) {
            sinkWithLanes.recorded(RECORDER, RECORDER_SOURCE, new OrderEvent(type, Severity.INFO), 0);
        }
        sinkWithLanes.stored(STORE, STORE_SOURCE, List.of(new OrderEvent("x", Severity.INFO),
                new OrderEvent("y", Severity.INFO)), 1);

        assertThat(laned.dropped()).as("thread 0's \"a\"").isEqualTo(1);
        assertThat(laned.lane(0).size()).isEqualTo(2);
        assertThat(laned.lane(1).size()).isEqualTo(2);
        CapturedEvent[] rows = rows(4);
        assertThat(laned.drainTo(rows, 4)).isEqualTo(4);
        assertThat(List.of(rows[0].eventType, rows[1].eventType, rows[2].eventType, rows[3].eventType))
                .containsExactly("b", "c", "x", "y");
    }

    // ---- projections --------------------------------------------------------------------------

    @Test
    void aProjectionThatReturnedCountsAnUpdateItsDurationAndItsLag() {
        OrderSummaryProjection projection = new OrderSummaryProjection();
        Instant fiveSecondsAgo = Instant.now().minusSeconds(5);
        long start = System.nanoTime();

        sink.projected(PROJECTION, projection, new OrderEvent("order.created", Severity.INFO, fiveSecondsAgo,
                null, null, null), start, null);

        assertThat(value(metrics, "projection_updates_total", "projection", "OrderSummaryProjection")).isEqualTo(1.0);
        assertThat(count(metrics, "projection_errors_total", "projection", "OrderSummaryProjection")).isZero();
        assertThat(value(metrics, "event_processing_duration_seconds", "projection", "OrderSummaryProjection"))
                .as("histogram count").isEqualTo(1.0);
        assertThat(value(metrics, "projection_lag_seconds", "projection", "OrderSummaryProjection"))
                .isCloseTo(5.0, within(2.0));
        assertThat(queue.size()).as("projections are not journaled").isZero();
    }

    @Test
    void aProjectionObjectOfAGeneratedSubclassIsNamedByTheClassTheServiceWrote() {
        // Guice (and, synthetic, Micronaut) instantiate their subclass in the projection's place; the
        // woven method is the projection's own, reached through super.
        sink.projected(PROJECTION, new AuditProjection$$EnhancerByGuice$$1(), new OrderEvent("x", Severity.INFO),
                System.nanoTime(), null);
        sink.projected(PROJECTION, new AuditProjection(), new OrderEvent("x", Severity.INFO), System.nanoTime(), null);

        assertThat(value(metrics, "projection_updates_total", "projection", "AuditProjection")).isEqualTo(2.0);
        assertThat(count(metrics, "projection_updates_total", "projection", "AuditProjection$$EnhancerByGuice$$1"))
                .isZero();
    }

    @Test
    void aCompilersClassNamedWithDollarsKeepsItsOwnNameAsLabel() {
        // Scala's anonymous classes: Audits$$anon$1, named after where they were written, not their superclass.
        sink.projected(PROJECTION, new Audits$$anon$1(), new OrderEvent("x", Severity.INFO), System.nanoTime(), null);

        assertThat(value(metrics, "projection_updates_total", "projection", "Audits$$anon$1")).isEqualTo(1.0);
        assertThat(count(metrics, "projection_updates_total", "projection", "PlainBase")).isZero();
    }

    @Test
    void aProjectionThatThrewCountsAnErrorAndItsDurationButNoUpdate() {
        sink.projected(PROJECTION, new OrderSummaryProjection(), new OrderEvent("x", Severity.INFO),
                System.nanoTime(), new IllegalStateException("boom"));

        assertThat(value(metrics, "projection_errors_total", "projection", "OrderSummaryProjection")).isEqualTo(1.0);
        assertThat(count(metrics, "projection_updates_total", "projection", "OrderSummaryProjection")).isZero();
        assertThat(value(metrics, "event_processing_duration_seconds", "projection", "OrderSummaryProjection"))
                .isEqualTo(1.0);
    }

    @Test
    void aProjectionBatchCountsEachEventAndTheLagOfTheLatest() {
        Instant old = Instant.now().minusSeconds(3600);
        Instant recent = Instant.now().minusSeconds(10);
        List<OrderEvent> batch = List.of(
                new OrderEvent("a", Severity.INFO, old, null, null, null),
                new OrderEvent("b", Severity.INFO, old, null, null, null),
                new OrderEvent("c", Severity.INFO, recent, null, null, null));

        sink.projected(PROJECTION, new OrderSummaryProjection(), batch, System.nanoTime(), null);
        sink.projected(PROJECTION, new OrderSummaryProjection(), new LinkedHashSet<>(batch), System.nanoTime(), null);
        sink.projected(PROJECTION, new OrderSummaryProjection(), batch.toArray(), System.nanoTime(), null);

        assertThat(value(metrics, "projection_updates_total", "projection", "OrderSummaryProjection")).isEqualTo(9.0);
        assertThat(value(metrics, "event_processing_duration_seconds", "projection", "OrderSummaryProjection"))
                .isEqualTo(3.0);
        assertThat(value(metrics, "projection_lag_seconds", "projection", "OrderSummaryProjection"))
                .isCloseTo(10.0, within(2.0));
    }

    @Test
    void aScalaProjectionBatchCountsEachEventAndTheLagOfTheLatest() {
        Instant old = Instant.now().minusSeconds(3600);
        Instant recent = Instant.now().minusSeconds(10);
        scala.collection.immutable.List<Object> batch = scala.jdk.javaapi.CollectionConverters.asScala(List.<Object>of(
                new OrderEvent("a", Severity.INFO, old, null, null, null),
                new OrderEvent("b", Severity.INFO, recent, null, null, null))).toList();

        sink.projected(PROJECTION, new OrderSummaryProjection(), batch, System.nanoTime(), null);

        assertThat(value(metrics, "projection_updates_total", "projection", "OrderSummaryProjection")).isEqualTo(2.0);
        assertThat(value(metrics, "projection_lag_seconds", "projection", "OrderSummaryProjection"))
                .isCloseTo(10.0, within(2.0));
    }

    @Test
    void anEmptyProjectionBatchObservesItsDurationButCountsNoUpdate() {
        sink.projected(PROJECTION, new OrderSummaryProjection(), List.of(), System.nanoTime(), null);

        assertThat(count(metrics, "projection_updates_total", "projection", "OrderSummaryProjection")).isZero();
        assertThat(value(metrics, "event_processing_duration_seconds", "projection", "OrderSummaryProjection"))
                .isEqualTo(1.0);
    }

    @Test
    void aStaticProjectionIsNamedAfterItsClassAndAnAnonymousOneAfterItsBinaryName() {
        Object anonymous = new Object() {};

        sink.projected(PROJECTION, OrderSummaryProjection.class, new OrderEvent("a", Severity.INFO),
                System.nanoTime(), null);
        sink.projected(PROJECTION, anonymous, null, System.nanoTime(), null);

        assertThat(Scraped.labelValues(metrics, "projection_updates_total", "projection"))
                .containsExactlyInAnyOrder("OrderSummaryProjection", "CaptureSinkTest$1");
        assertThat(count(metrics, "kube9_advice_errors_total")).isZero();
    }

    @Test
    void aProjectionEventWithoutATimestampLeavesTheLagUnset() {
        sink.projected(PROJECTION, new OrderSummaryProjection(), new Plain(), System.nanoTime(), null);

        assertThat(value(metrics, "projection_updates_total", "projection", "OrderSummaryProjection")).isEqualTo(1.0);
        assertThat(value(metrics, "projection_lag_seconds", "projection", "OrderSummaryProjection"))
                .satisfiesAnyOf(lag -> assertThat(lag).isNull(), lag -> assertThat(lag).isNaN(),
                        lag -> assertThat(lag).isZero());
    }

    @Test
    void aConfiguredLabelIsReadFromEachProjectionObjectAndTheClassNameStaysTheFallback() {
        CaptureSink labelled = new CaptureSink(Targets.from(TestConfigs.fromAgentArgs("projection.label=viewName")),
                metrics, queue, false);

        labelled.projected(PROJECTION, new NamedView("orders-by-day"), new Plain(), System.nanoTime(), null);
        labelled.projected(PROJECTION, new NamedView("orders-by-day"), new Plain(), System.nanoTime(), null);
        labelled.projected(PROJECTION, new NamedView("stock"), new Plain(), System.nanoTime(),
                new IllegalStateException("the view's own failure"));
        labelled.projected(PROJECTION, new NamedView(null), new Plain(), System.nanoTime(), null);
        labelled.projected(PROJECTION, new OrderSummaryProjection(), new Plain(), System.nanoTime(), null);
        labelled.projected(PROJECTION, NamedView.class, new Plain(), System.nanoTime(), null); // a static method

        assertThat(value(metrics, "projection_updates_total", "projection", "orders-by-day")).isEqualTo(2.0);
        assertThat(value(metrics, "projection_errors_total", "projection", "stock")).isEqualTo(1.0);
        assertThat(value(metrics, "projection_updates_total", "projection", "NamedView"))
                .as("no value, and a static method: the class's name").isEqualTo(2.0);
        assertThat(value(metrics, "projection_updates_total", "projection", "OrderSummaryProjection"))
                .as("a class without the accessor").isEqualTo(1.0);
        assertThat(count(metrics, "kube9_accessor_errors_total")).isZero();
    }

    @Test
    void theSinkNeverThrowsAndCountsItsOwnFailures() {
        sink.projected(PROJECTION, null, new Plain(), System.nanoTime(), null);
        sink.projected(99, new OrderSummaryProjection(), new Plain(), System.nanoTime(), null);
        sink.recorded(99, RECORDER_SOURCE, new Plain(), 0);
        sink.stored(-1, STORE_SOURCE, new Plain(), 0);

        assertThat(count(metrics, "kube9_advice_errors_total")).isEqualTo(4);
    }

    @Test
    void onlyTheFirstOwnFailureIsToldAndOneThatFailsToTellStaysInside() {
        List<Throwable> told = new ArrayList<>();
        sink.onFirstFailure(failure -> {
            told.add(failure);
            throw new IllegalStateException("the teller's own failure");
        });

        sink.projected(PROJECTION, null, new Plain(), System.nanoTime(), null);
        sink.recorded(99, RECORDER_SOURCE, new Plain(), 0);

        assertThat(told).singleElement().isInstanceOf(NullPointerException.class);
        assertThat(count(metrics, "kube9_advice_errors_total")).isEqualTo(2);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private CapturedEvent drainOne() {
        CapturedEvent[] rows = rows(queue.capacity());
        assertThat(queue.drainTo(rows, rows.length)).as("events in the queue").isEqualTo(1);
        return rows[0];
    }

    private List<String> drainTypes() {
        CapturedEvent[] rows = rows(queue.capacity());
        int count = queue.drainTo(rows, rows.length);
        List<String> types = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            types.add(rows[i].eventType);
        }
        return types;
    }

    private static CapturedEvent[] rows(int count) {
        CapturedEvent[] rows = new CapturedEvent[count];
        for (int i = 0; i < count; i++) {
            rows[i] = new CapturedEvent();
        }
        return rows;
    }

    public enum Severity {
        INFO,
        WARNING
    }

    public static final class OrderEvent {
        private final String eventType;
        private final Severity severity;
        private final Instant timestamp;
        private final String data;
        private final Object id;
        private final String aggregateId;

        OrderEvent(String eventType, Severity severity) {
            this(eventType, severity, null, "payload of " + eventType, null, null);
        }

        OrderEvent(String eventType, Severity severity, Instant timestamp, String data, Object id, String aggregateId) {
            this.eventType = eventType;
            this.severity = severity;
            this.timestamp = timestamp;
            this.data = data;
            this.id = id;
            this.aggregateId = aggregateId;
        }

        public String eventType() {
            return eventType;
        }

        public Severity severity() {
            return severity;
        }

        public Instant timestamp() {
            return timestamp;
        }

        public String data() {
            return data;
        }

        public Object id() {
            return id;
        }

        public String aggregateId() {
            return aggregateId;
        }
    }

    public static final class Plain {}

    public static final class Carrier {
        private final String type;
        private final Object id;
        private final Object payload;

        Carrier(String type, Object id, Object payload) {
            this.type = type;
            this.id = id;
            this.payload = payload;
        }

        public String type() {
            return type;
        }

        public Object id() {
            return id;
        }

        public Object payload() {
            return payload;
        }
    }

    /** A service's own text whose characters cannot be read. */
    static final class BrokenText implements CharSequence {
        @Override
        public int length() {
            return 5;
        }

        @Override
        public char charAt(int index) {
            throw new IllegalStateException("released");
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            throw new IllegalStateException("released");
        }

        @Override
        public String toString() {
            throw new IllegalStateException("released");
        }
    }

    public static final class Exploding {
        public String getType() {
            throw new IllegalStateException("not loaded");
        }

        public Object getPayload() {
            throw new IllegalStateException("not loaded either");
        }
    }

    public static final class OrderSummaryProjection {}

    public static class AuditProjection {}

    public static class PlainBase {}

    /** As Scala names an anonymous class. */
    public static final class Audits$$anon$1 extends PlainBase {}

    /** As Guice names the subclass it makes for its interceptors. */
    public static final class AuditProjection$$EnhancerByGuice$$1 extends AuditProjection {}

    /** One class, a projection per view it is made for. */
    public static final class NamedView {
        private final String viewName;

        NamedView(String viewName) {
            this.viewName = viewName;
        }

        public String viewName() {
            return viewName;
        }
    }
}
