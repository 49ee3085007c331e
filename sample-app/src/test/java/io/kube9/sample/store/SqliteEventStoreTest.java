package io.kube9.sample.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteEventStoreTest {

    @TempDir
    Path directory;

    private static StoredEvent event(String id, String aggregateId, String type, String payload) {
        return new StoredEvent(id, aggregateId, type, Instant.parse("2026-01-02T03:04:05.123456789Z"),
                payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsEventsOfOneAggregateInAppendOrder() {
        StoredEvent created = event("e1", "order-1", "order.created", "{\"customer\":\"ada\"}");
        StoredEvent item = event("e2", "order-1", "order.item_added", "{\"sku\":\"ü\",\"quantity\":1}");
        StoredEvent otherOrder = event("e3", "order-2", "order.created", "{}");
        StoredEvent paid = event("e4", "order-1", "order.paid", "{\"amount\":100}");

        try (SqliteEventStore store = new SqliteEventStore(directory.resolve("events.db"), batch -> { })) {
            store.append(List.of(created, item));
            store.append(otherOrder);
            store.append(paid);

            assertEquals(List.of(created, item, paid), store.load("order-1"));
            assertEquals(List.of(otherOrder), store.load("order-2"));
            assertEquals(List.of(), store.load("order-3"));
        }
    }

    @Test
    void countsEachStoredEventOnceWhateverOverloadWasUsed() {
        try (SqliteEventStore store = new SqliteEventStore(directory.resolve("events.db"), batch -> { })) {
            store.append(List.of(event("e1", "a", "order.created", "12345"), event("e2", "a", "order.item_added", "123")));
            store.append(event("e3", "a", "order.item_added", "1"));
            store.append(List.of());

            assertEquals(Map.of("order.created", 1L, "order.item_added", 2L), store.storedEventCounts());
            assertEquals(9, store.storedPayloadBytes());
        }
    }

    @Test
    void handsCommittedBatchesToTheListenerInCommitOrder() {
        List<List<StoredEvent>> committed = new CopyOnWriteArrayList<>();
        StoredEvent first = event("e1", "a", "order.created", "{}");
        StoredEvent second = event("e2", "a", "order.item_added", "{}");
        StoredEvent third = event("e3", "a", "order.paid", "{}");
        try (SqliteEventStore store = new SqliteEventStore(directory.resolve("events.db"), committed::add)) {
            store.append(List.of(first, second));
            store.append(third);

            assertEquals(List.of(List.of(first, second), List.of(third)), committed);
        }
    }

    @Test
    void failedBatchStoresNothingAndCountsNothing() {
        List<StoredEvent> handedOver = new ArrayList<>();
        try (SqliteEventStore store = new SqliteEventStore(directory.resolve("events.db"), handedOver::addAll)) {
            store.append(event("e1", "a", "order.created", "{}"));

            assertThrows(EventStoreException.class, () -> store.append(List.of(
                    event("e2", "a", "order.item_added", "{}"),
                    event("e1", "a", "order.paid", "{}"))));

            assertEquals(1, store.load("a").size());
            assertEquals(Map.of("order.created", 1L), store.storedEventCounts());
            assertEquals(1, handedOver.size());
        }
    }

    @Test
    void reopeningAppendsToWhatIsAlreadyThere() {
        Path file = directory.resolve("events.db");
        try (SqliteEventStore store = new SqliteEventStore(file, batch -> { })) {
            store.append(event("e1", "a", "order.created", "{}"));
        }
        try (SqliteEventStore store = new SqliteEventStore(file, batch -> { })) {
            store.append(event("e2", "a", "order.cancelled", "{}"));

            assertEquals(List.of("e1", "e2"), store.load("a").stream().map(StoredEvent::id).toList());
            // Counts are what this instance stored, not what the file holds.
            assertEquals(Map.of("order.cancelled", 1L), store.storedEventCounts());
        }
    }

    @Test
    void refusesToWorkOnceClosed() {
        SqliteEventStore store = new SqliteEventStore(directory.resolve("events.db"), batch -> { });
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.load("a"));
    }
}
