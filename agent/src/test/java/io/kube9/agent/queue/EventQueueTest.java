package io.kube9.agent.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.kube9.agent.config.Keys;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventQueueTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "-5, 2", "0, 2", "1, 2", "2, 2", "3, 4", "4, 4", "5, 8", "1000, 1024", "1024, 1024", "1025, 2048",
        "65536, 65536", "100000, 131072"
    })
    void capacityIsRoundedUpToAPowerOfTwo(int requested, int expected) {
        assertThat(new EventQueue(requested).capacity()).isEqualTo(expected);
    }

    @Test
    void aNewQueueIsEmpty() {
        EventQueue queue = new EventQueue(8);

        assertThat(queue.size()).isZero();
        assertThat(queue.dropped()).isZero();
        assertThat(take(queue, rows(8), 8)).isZero();
    }

    /**
     * The writer's exit waits for what the queue holds when the JVM begins to exit, read with
     * {@link EventQueue#size}: an event being taken out of its lane at that moment still counts.
     */
    @Test
    @Timeout(60)
    void anEventBeingTakenIsNeverMissingFromTheSize() throws InterruptedException {
        EventQueue queue = new EventQueue(8);
        offer(queue, 0);
        AtomicBoolean done = new AtomicBoolean();
        Thread writer = new Thread(() -> { // always one event, in the lane or taken and not yet written
            CapturedEvent[] rows = rows(8);
            for (int i = 1; i <= 200_000; i++) {
                int taken = queue.drainTo(rows, 8);
                offer(queue, i);
                queue.written(taken);
            }
            done.set(true);
        });
        writer.start();
        long reads = 0;
        long empty = 0;
        while (!done.get()) {
            reads++;
            if (queue.size() == 0) {
                empty++;
            }
        }
        writer.join();

        assertThat(empty).as("reads of 0 in %d", reads).isZero();
        assertThat(queue.size()).isOne();
    }

    @Test
    void aDrainMakesTheRowsItNeedsAndReusesTheRowsItIsGiven() {
        EventQueue queue = new EventQueue(8);
        CapturedEvent given = new CapturedEvent();
        CapturedEvent[] rows = {given, null, null, null};
        for (int i = 0; i < 3; i++) {
            offer(queue, i);
        }

        assertThat(queue.drainTo(rows, 4)).isEqualTo(3);
        assertThat(rows[0]).isSameAs(given);
        assertThat(rows[1]).isNotNull();
        assertThat(rows[2]).isNotNull().isNotSameAs(rows[1]);
        assertThat(rows[3]).as("no event for it: not made").isNull();
        assertThat(rows[2].eventId).isEqualTo(2L);

        CapturedEvent second = rows[1];
        offer(queue, 3);
        offer(queue, 4);
        assertThat(queue.drainTo(rows, 4)).isEqualTo(2);
        assertThat(rows[1]).as("made once, then reused").isSameAs(second);
        assertThat(rows[1].eventId).isEqualTo(4L);
    }

    @Test
    void eventsComeOutInTheOrderTheyWentIn() {
        EventQueue queue = new EventQueue(8);
        for (int i = 0; i < 5; i++) {
            offer(queue, i);
        }

        assertThat(queue.size()).isEqualTo(5);
        assertThat(drainAll(queue)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(queue.size()).isZero();
        assertThat(queue.dropped()).isZero();
    }

    @Test
    void theQueueWrapsAroundManyTimesWithoutLosingOrder() {
        EventQueue queue = new EventQueue(4);
        List<Long> drained = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            offer(queue, i);
            if (i % 3 == 2) {
                drained.addAll(drainAll(queue));
            }
        }
        drained.addAll(drainAll(queue));

        assertThat(drained).hasSize(1000).isSorted();
        assertThat(queue.dropped()).isZero();
    }

    @Test
    void whenFullTheOldestEventsAreDroppedAndCounted() {
        EventQueue queue = new EventQueue(4);
        for (int i = 0; i < 7; i++) {
            assertThat(offer(queue, i)).as("offer %d is accepted", i).isTrue();
        }

        assertThat(queue.dropped()).isEqualTo(3);
        assertThat(queue.size()).isEqualTo(4);
        assertThat(drainAll(queue)).containsExactly(3L, 4L, 5L, 6L);
    }

    @Test
    void aFullQueueDropsItsOldestEventsInARun() {
        EventQueue queue = new EventQueue(8, 3);
        for (int i = 0; i < 9; i++) {
            assertThat(offer(queue, i)).as("offer %d is accepted", i).isTrue();
        }

        assertThat(queue.dropped()).as("the 9th event made room for itself and two more").isEqualTo(3);
        assertThat(queue.size()).isEqualTo(6);
        assertThat(offer(queue, 9)).isTrue();
        assertThat(offer(queue, 10)).isTrue();
        assertThat(queue.dropped()).as("no drop while the run's room lasts").isEqualTo(3);
        assertThat(drainAll(queue)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void atTheDefaultCapacityARunIs32EventsAndBelow4096SlotsOne() {
        int defaultCapacity = Integer.parseInt(Keys.QUEUE_CAPACITY.defaultText());
        EventQueue large = new EventQueue(defaultCapacity);
        for (int i = 0; i <= large.capacity(); i++) {
            offer(large, i);
        }
        EventQueue small = new EventQueue(2048);
        for (int i = 0; i <= small.capacity(); i++) {
            offer(small, i);
        }

        assertThat(large.dropped()).isEqualTo(32);
        assertThat(drainAll(large)).hasSize(defaultCapacity - 31).startsWith(32L, 33L).endsWith((long) defaultCapacity);
        assertThat(small.dropped()).isEqualTo(1);
        assertThat(drainAll(small)).hasSize(2048).startsWith(1L).endsWith(2048L);
    }

    @Test
    void aDroppedEventLetsGoOfTheApplicationsObjects() {
        EventQueue queue = new EventQueue(2);
        List<WeakReference<Object>> held = offerWithObjects(queue);
        offer(queue, 2);
        offer(queue, 3); // drops the first

        assertThat(queue.dropped()).isEqualTo(1);
        assertCollected(held);
    }

    @Test
    void aTakenEventLetsGoOfTheApplicationsObjects() {
        EventQueue queue = new EventQueue(4);
        List<WeakReference<Object>> held = offerWithObjects(queue);
        CapturedEvent[] rows = rows(1);

        assertThat(take(queue, rows, 1)).isEqualTo(1);
        rows[0].clear(); // the writer's part, once written

        assertCollected(held);
    }

    @Test
    void aTakenEventLetsGoOfATypeAndSeverityTooLongToShareAndKeepsTheSharedOnes() {
        EventQueue queue = new EventQueue(4);
        CapturedEvent event = Slots.event("id-1", new String("t".repeat(SharedStrings.MAX_LENGTH + 1)));
        event.severity = new String("s".repeat(SharedStrings.MAX_LENGTH + 1));
        List<WeakReference<Object>> held = List.of(new WeakReference<>(event.eventType),
                new WeakReference<>(event.severity));
        Lane lane = queue.lane(0);
        Slots.put(lane, lane.claim(), event);
        event = null;
        CapturedEvent[] rows = rows(1);

        assertThat(take(queue, rows, 1)).isEqualTo(1);
        assertThat(rows[0].eventType).hasSize(SharedStrings.MAX_LENGTH + 1);
        String shared = new String("order.created");
        Slots.put(lane, lane.claim(), Slots.event("id-2", shared));
        assertThat(take(queue, rows, 1)).as("the writer's row, reused").isEqualTo(1);
        assertCollected(held);

        Slots.put(lane, lane.claim(), Slots.event("id-3", new String("order.created")));
        assertThat(take(queue, rows, 1)).isEqualTo(1);
        assertThat(rows[0].eventType).as("the first instance, kept for every later one").isSameAs(shared);
    }

    @Test
    void discardingAllLetsGoOfEveryEventCountedAsDropped() {
        EventQueue queue = EventQueue.laned(64, 2);
        List<WeakReference<Object>> held = offerWithObjects(queue);
        for (long id = 2; id <= 40; id++) {
            offer(queue, (int) id, id);
        }

        assertThat(queue.discardAll()).isEqualTo(40);

        assertThat(queue.size()).isZero();
        assertThat(queue.dropped()).as("captured = written + dropped").isEqualTo(40);
        assertCollected(held);
        assertThat(offer(queue, 41)).as("the lanes take events again").isTrue();
        assertThat(drainAll(queue)).containsExactly(41L);
    }

    /** Offers an event whose id, aggregate id and payload are objects only the queue holds. */
    private static List<WeakReference<Object>> offerWithObjects(EventQueue queue) {
        CapturedEvent event = Slots.event(new StringBuilder("first"), "type-first");
        event.aggregateId = new StringBuilder("order-1");
        event.payload = new byte[10];
        List<WeakReference<Object>> held = List.of(new WeakReference<>(event.eventId),
                new WeakReference<>(event.aggregateId), new WeakReference<>(event.payload));
        Lane lane = queue.lane(0);
        Slots.put(lane, lane.claim(), event);
        return held;
    }

    private static void assertCollected(List<WeakReference<Object>> held) {
        for (int i = 0; i < 20 && held.stream().anyMatch(reference -> reference.get() != null); i++) {
            System.gc();
        }
        assertThat(held).as("the event's own objects, collected").allMatch(reference -> reference.get() == null);
    }

    @Test
    void idsPutBeyondTheChunksTheConsumerProvidedComeOutAsIdsPutIntoThem() {
        // 8,192 slots: chunks of 256, of which the new lane provides 16, for the first 4,096 positions
        EventQueue queue = new EventQueue(8192);
        for (long id = 0; id < 8192; id++) {
            assertThat(offer(queue, id)).isTrue();
        }
        CapturedEvent[] rows = rows(8192);

        assertThat(take(queue, rows, 8192)).isEqualTo(8192);

        for (int i = 0; i < 8192; i++) {
            assertThat(rows[i].eventId).as("event %d", i).isEqualTo((long) i);
            assertThat(rows[i].aggregateId).as("event %d", i).isEqualTo("order-" + i);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyEventKeepsItsOwnIdsWhateverTheOrderOfOffersDrainsAndDrops(long seed) {
        // 64 slots: chunks of 4; offers and drains of random sizes, so that ids go into chunks,
        // into slots before a chunk is provided or while the lane is full, and are dropped
        java.util.Random random = new java.util.Random(seed);
        EventQueue queue = new EventQueue(64);
        CapturedEvent[] rows = rows(64);
        long next = 0;
        long last = -1;
        long drained = 0;
        for (int step = 0; step < 2_000; step++) {
            for (int n = random.nextInt(random.nextBoolean() ? 8 : 100); n > 0; n--) {
                offer(queue, next++);
            }
            int count = take(queue, rows, random.nextInt(65));
            for (int i = 0; i < count; i++) {
                long id = (Long) rows[i].eventId;
                assertThat(rows[i].aggregateId).as("step %d, event %d", step, id).isEqualTo("order-" + id);
                assertThat(rows[i].eventType).isEqualTo("type-" + id);
                assertThat(id).isGreaterThan(last);
                last = id;
                rows[i].clear();
            }
            drained += count;
        }
        drained += drainAll(queue).size();

        assertThat(queue.dropped()).isPositive();
        assertThat(drained + queue.dropped()).isEqualTo(next);
    }

    @Test
    void drainToMovesAtMostMaxEventsAndLeavesTheRest() {
        EventQueue queue = new EventQueue(16);
        for (int i = 0; i < 10; i++) {
            offer(queue, i);
        }
        CapturedEvent[] rows = rows(16);

        assertThat(take(queue, rows, 3)).isEqualTo(3);
        assertThat(ids(rows, 3)).containsExactly(0L, 1L, 2L);
        assertThat(rows[3].eventId).isNull();
        assertThat(queue.size()).isEqualTo(7);

        assertThat(take(queue, rows, 0)).isZero();
        assertThat(take(queue, rows, 16)).isEqualTo(7);
        assertThat(ids(rows, 7)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void slotsAndRowsReusedLapAfterLapCarryEachLapsOwnValues() {
        EventQueue queue = new EventQueue(2);
        CapturedEvent[] rows = rows(1);
        byte[] payload = {1, 2, 3};
        String[][] laps = {
            {"recorder", "com.acme.Orders#record", "order.created", "info", "main"},
            {"store", "com.acme.OrderStore#append", "order.paid", "warning", "worker-1"},
            // equal to the first lap's strings, but other instances: stored, not compared by content
            {new String("recorder"), new String("com.acme.Orders#record"), new String("order.created"),
                new String("info"), new String("main")},
        };
        for (int lap = 0; lap < 6; lap++) {
            String[] values = laps[lap % laps.length];
            CapturedEvent event = new CapturedEvent();
            event.fill(values[0], values[1], values[2], values[3], values[4]);
            event.payload = lap == 0 ? payload : null;
            Slots.put(queue.lane(0), queue.lane(0).claim(), event);

            assertThat(take(queue, rows, 1)).isEqualTo(1);

            CapturedEvent row = rows[0];
            assertThat(new String[] {row.site, row.source, row.eventType, row.severity, row.thread})
                    .as("lap %d", lap)
                    .containsExactly(values);
            assertThat(row.site).isSameAs(values[0]);
            assertThat(row.payload).as("lap %d", lap).isSameAs(lap == 0 ? payload : null);
        }
    }

    @Test
    void drainedRowsCarryEveryAttribute() {
        EventQueue queue = new EventQueue(4);
        CapturedEvent event = new CapturedEvent();
        event.site = "store";
        event.source = "com.acme.OrderEventStore#append";
        event.eventType = "order.created";
        event.severity = "info";
        event.eventId = 7L;
        event.aggregateId = "order-7";
        event.occurredAt = 1_700_000_000_000L;
        event.recordedAt = 1_700_000_000_500L;
        event.payloadBytes = 3;
        event.payload = new byte[] {1, 2, 3};
        event.thread = "main";
        Slots.put(queue.lane(0), queue.lane(0).claim(), event);
        CapturedEvent[] rows = rows(1);

        assertThat(take(queue, rows, 1)).isEqualTo(1);

        CapturedEvent row = rows[0];
        assertThat(row.site).isEqualTo("store");
        assertThat(row.source).isEqualTo("com.acme.OrderEventStore#append");
        assertThat(row.eventType).isEqualTo("order.created");
        assertThat(row.severity).isEqualTo("info");
        assertThat(row.eventId).isEqualTo(7L);
        assertThat(row.aggregateId).isEqualTo("order-7");
        assertThat(row.occurredAt).isEqualTo(1_700_000_000_000L);
        assertThat(row.recordedAt).isEqualTo(1_700_000_000_500L);
        assertThat(row.payloadBytes).isEqualTo(3);
        assertThat((byte[]) row.payload).containsExactly(1, 2, 3);
        assertThat(row.thread).isEqualTo("main");
    }

    @Test
    void aSlotReusedWithoutAPayloadGivesNone() {
        EventQueue queue = new EventQueue(2);
        CapturedEvent[] rows = rows(1);
        for (int lap = 0; lap < 4; lap++) {
            CapturedEvent event = Slots.event((long) lap, "type-" + lap);
            event.payload = lap % 2 == 0 ? new byte[] {(byte) lap} : null;
            Slots.put(queue.lane(0), queue.lane(0).claim(), event);

            assertThat(take(queue, rows, 1)).isEqualTo(1);

            assertThat(rows[0].payload).as("lap %d", lap).isEqualTo(event.payload);
            rows[0].clear();
        }
    }

    @Test
    void aClaimedButUnpublishedEventIsNotDrainedAndHoldsBackTheOnesAfterIt() {
        EventQueue queue = new EventQueue(8);
        long slow = queue.lane(0).claim();
        offer(queue, 1);

        assertThat(take(queue, rows(8), 8)).isZero();

        Slots.put(queue.lane(0), slow, Slots.event(0L, "type-0"));
        assertThat(drainAll(queue)).containsExactly(0L, 1L);
    }

    @Test
    void whenTheOldestSlotIsStillBeingFilledAProducerDropsItsOwnEventInsteadOfWaiting() {
        EventQueue queue = new EventQueue(2);
        long slow = queue.lane(0).claim(); // claimed, not yet published
        offer(queue, 1);

        assertThat(queue.lane(0).claim()).isEqualTo(-1);
        assertThat(queue.dropped()).isEqualTo(1);

        Slots.put(queue.lane(0), slow, Slots.event(0L, "type-0"));
        assertThat(drainAll(queue)).containsExactly(0L, 1L);
    }

    @ParameterizedTest(name = "{0} lane(s)")
    @ValueSource(ints = {1, 2})
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void concurrentProducersAndAConsumerAccountForEveryEventExactlyOnce(int lanes) throws Exception {
        int producers = 8;
        int perProducer = 50_000;
        Result result = race(EventQueue.laned(256, lanes), producers, perProducer, true);

        long offered = (long) producers * perProducer;
        assertThat(result.duplicates).as("events drained twice").isZero();
        assertThat(result.wrongIds).as("events drained with another's ids").isZero();
        assertThat(result.drained + result.dropped).as("drained + dropped").isEqualTo(offered);
        assertThat(result.dropped).as("the consumer started only once the queue overflowed").isPositive();
        assertThat(result.orderViolations).as("events of one producer drained out of order").isZero();
    }

    @ParameterizedTest(name = "{0} lane(s)")
    @ValueSource(ints = {1, 2})
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aQueueLargeEnoughForEverythingDropsNothingUnderContention(int lanes) throws Exception {
        int producers = 8;
        int perProducer = 20_000;
        // 160,000 rounded up to 262,144: a lane holds what its four producers offer
        Result result = race(EventQueue.laned(producers * perProducer, lanes), producers, perProducer, false);

        assertThat(result.duplicates).isZero();
        assertThat(result.wrongIds).isZero();
        assertThat(result.dropped).isZero();
        assertThat(result.drained).isEqualTo((long) producers * perProducer);
        assertThat(result.orderViolations).isZero();
    }

    @ParameterizedTest(name = "{0} slots in {1} lanes -> {2} lanes of {3}")
    @CsvSource({"131072, 2, 2, 65536", "100000, 3, 4, 32768", "1000, 1, 1, 1024", "4, 8, 8, 2", "16, 0, 1, 16"})
    void aLanedQueueSharesItsCapacityEquallyBetweenItsLanes(int capacity, int lanes, int expectedLanes, int perLane) {
        EventQueue queue = EventQueue.laned(capacity, lanes);

        assertThat(queue.lanes()).isEqualTo(expectedLanes);
        assertThat(queue.capacity()).isEqualTo(expectedLanes * perLane);
        assertThat(queue.lane(0).capacity()).isEqualTo(perLane);
    }

    @Test
    void threadsNumberedOneAfterTheOtherGetLanesOfTheirOwnAndAThreadAlwaysTheSameOne() {
        EventQueue queue = EventQueue.laned(64, 2);

        assertThat(queue.lane(0)).isNotSameAs(queue.lane(1));
        assertThat(queue.lane(2)).isSameAs(queue.lane(0));
        assertThat(queue.lane(7)).isSameAs(queue.lane(1));
        assertThat(queue.lane(Integer.MAX_VALUE)).isSameAs(queue.lane(1));
        assertThat(queue.lane(Integer.MIN_VALUE)).as("numbers wrap round after 2^32 threads").isSameAs(queue.lane(0));
    }

    @Test
    void aFullLaneDropsItsOwnOldestWhileTheOtherKeepsAllItsEvents() {
        EventQueue queue = EventQueue.laned(8, 2); // two lanes of 4
        for (int i = 0; i < 7; i++) {
            assertThat(offer(queue, 0, i)).isTrue();
        }
        for (int i = 100; i < 103; i++) {
            assertThat(offer(queue, 1, i)).isTrue();
        }

        assertThat(queue.dropped()).isEqualTo(3);
        assertThat(queue.size()).isEqualTo(7);
        CapturedEvent[] rows = rows(8);
        int count = take(queue, rows, 8);
        assertThat(ids(rows, count)).containsExactly(3L, 4L, 5L, 6L, 100L, 101L, 102L);
        assertThat(rows[0].lane).isZero();
        assertThat(rows[3].lane).isZero();
        assertThat(rows[4].lane).isEqualTo(1);
        assertThat(rows[6].lane).isEqualTo(1);
    }

    @Test
    void eachDrainStartsOneLaneFurtherSoThatNoLaneWaitsBehindABusyOne() {
        EventQueue queue = EventQueue.laned(64, 2);
        for (int i = 0; i < 10; i++) {
            offer(queue, 0, i);
            offer(queue, 1, 100 + i);
        }
        CapturedEvent[] rows = rows(4);

        assertThat(queue.drainTo(rows, 4)).isEqualTo(4);
        assertThat(ids(rows, 4)).containsExactly(0L, 1L, 2L, 3L);
        assertThat(queue.drainTo(rows, 4)).isEqualTo(4);
        assertThat(ids(rows, 4)).containsExactly(100L, 101L, 102L, 103L);
        assertThat(queue.drainTo(rows, 4)).isEqualTo(4);
        assertThat(ids(rows, 4)).containsExactly(4L, 5L, 6L, 7L);
        assertThat(queue.size()).as("12 taken, not yet written, and 8 waiting").isEqualTo(20);
        queue.written(12);
        assertThat(queue.size()).isEqualTo(8);
    }

    @Test
    void aDrainTakesFromTheNextLaneWhenTheFirstHasTooFew() {
        EventQueue queue = EventQueue.laned(64, 2);
        offer(queue, 0, 1);
        offer(queue, 1, 101);
        offer(queue, 1, 102);
        CapturedEvent[] rows = rows(8);

        assertThat(queue.drainTo(rows, 8)).isEqualTo(3);
        assertThat(ids(rows, 3)).containsExactly(1L, 101L, 102L);
        assertThat(queue.size()).isEqualTo(3);
        queue.written(3);
        assertThat(queue.size()).isZero();
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static final class Result {
        long drained;
        long dropped;
        long duplicates;
        long orderViolations;
        /** Events drained with another event's aggregate id. */
        long wrongIds;
    }

    /**
     * {@code producers} threads each offer {@code perProducer} events (id = producer * perProducer + n)
     * while this thread drains; then the rest is drained. With {@code overflowFirst} the draining
     * starts only once the queue has dropped an event, so that drops happen however fast the consumer.
     */
    private static Result race(EventQueue queue, int producers, int perProducer, boolean overflowFirst)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long base = (long) p * perProducer;
            int number = p; // as the bridge numbers threads
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int n = 0; n < perProducer; n++) {
                        offer(queue, number, base + n);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "producer-" + p);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        Thread joiner = new Thread(() -> {
            for (Thread thread : threads) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    return;
                }
            }
            done.set(true);
        });
        joiner.setDaemon(true);
        joiner.start();

        Result result = new Result();
        BitSet seen = new BitSet(producers * perProducer);
        long[] lastPerProducer = new long[producers];
        java.util.Arrays.fill(lastPerProducer, -1);
        CapturedEvent[] rows = rows(512);
        start.countDown();
        while (overflowFirst && queue.dropped() == 0 && !done.get()) {
            Thread.onSpinWait();
        }
        boolean finished = false;
        while (true) {
            boolean producersDone = done.get(); // read before draining: nothing can be published after
            int count = take(queue, rows, rows.length);
            for (int i = 0; i < count; i++) {
                long id = (Long) rows[i].eventId;
                if (!("order-" + id).equals(rows[i].aggregateId)) {
                    result.wrongIds++;
                }
                if (seen.get((int) id)) {
                    result.duplicates++;
                }
                seen.set((int) id);
                int producer = (int) (id / perProducer);
                if (id <= lastPerProducer[producer]) {
                    result.orderViolations++;
                }
                lastPerProducer[producer] = id;
                rows[i].clear();
            }
            result.drained += count;
            if (count == 0) {
                if (finished) {
                    break;
                }
                finished = producersDone;
                Thread.onSpinWait();
            }
        }
        assertThat(failure.get()).isNull();
        assertThat(queue.size()).isZero();
        result.dropped = queue.dropped();
        return result;
    }

    /** Offers one event with {@code id} as its eventId; false when the queue dropped it itself. */
    private static boolean offer(EventQueue queue, long id) {
        return offer(queue, 0, id);
    }

    /** Offers one event as the thread of number {@code thread} (its lane). */
    private static boolean offer(EventQueue queue, int thread, long id) {
        Lane lane = queue.lane(thread);
        long position = lane.claim();
        if (position < 0) {
            return false;
        }
        CapturedEvent event = Slots.event(id, "type-" + id);
        event.aggregateId = "order-" + id;
        Slots.put(lane, position, event);
        return true;
    }

    private static List<Long> drainAll(EventQueue queue) {
        CapturedEvent[] rows = rows(queue.capacity());
        int count = take(queue, rows, rows.length);
        List<Long> ids = ids(rows, count);
        for (int i = 0; i < count; i++) {
            assertThat(rows[i].eventType).isEqualTo("type-" + rows[i].eventId);
        }
        return ids;
    }

    private static List<Long> ids(CapturedEvent[] rows, int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add((Long) rows[i].eventId);
        }
        return ids;
    }

    private static CapturedEvent[] rows(int count) {
        CapturedEvent[] rows = new CapturedEvent[count];
        for (int i = 0; i < count; i++) {
            rows[i] = new CapturedEvent();
        }
        return rows;
    }

    /** Drains like the journal writer: take a run, then report it written (size() counts it until then). */
    private static int take(EventQueue queue, CapturedEvent[] rows, int max) {
        int count = queue.drainTo(rows, max);
        queue.written(count);
        return count;
    }
}
