package io.kube9.sample.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kube9.sample.ops.OperationalEventRecorder;
import io.kube9.sample.ops.OperationalEventRecorder.TypeAndSeverity;
import io.kube9.sample.store.EventStore;
import io.kube9.sample.store.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderServiceTest {

    /** Records each append call, so batching is visible. */
    private static final class InMemoryEventStore implements EventStore {
        final List<List<StoredEvent>> appendCalls = new ArrayList<>();

        @Override
        public synchronized void append(List<StoredEvent> events) {
            appendCalls.add(List.copyOf(events));
        }

        @Override
        public synchronized List<StoredEvent> load(String aggregateId) {
            return appendCalls.stream().flatMap(List::stream)
                    .filter(event -> event.aggregateId().equals(aggregateId)).toList();
        }

        List<String> typesOf(String aggregateId) {
            return load(aggregateId).stream().map(StoredEvent::eventType).toList();
        }
    }

    private final InMemoryEventStore store = new InMemoryEventStore();
    private final OperationalEventRecorder recorder = new OperationalEventRecorder(10);
    private final OrderService service = new OrderService(store, recorder);

    @Test
    void createWithAFirstItemAppendsBothEventsInOneBatch() {
        String orderId = service.createOrder("ada", new LineItem("SKU-1", 2, 250));

        assertEquals(1, store.appendCalls.size());
        assertEquals(List.of("order.created", "order.item_added"), store.typesOf(orderId));
        assertEquals("{\"sku\":\"SKU-1\",\"quantity\":2,\"unitPrice\":250}", store.load(orderId).get(1).payloadText());
    }

    @Test
    void payingWithoutAnAmountPaysTheTotal() {
        String orderId = service.createOrder("ada", new LineItem("SKU-1", 2, 250));
        service.addItem(orderId, new LineItem("SKU-2", 1, 1000));
        service.pay(orderId);
        service.ship(orderId, "dhl");

        assertEquals(List.of("order.created", "order.item_added", "order.item_added", "order.paid", "order.shipped"),
                store.typesOf(orderId));
        assertEquals("{\"amount\":1500,\"currency\":\"EUR\"}", store.load(orderId).get(3).payloadText());
    }

    @Test
    void commandsThatDoNotFitTheOrderStateAreRejected() {
        String empty = service.createOrder("ada", null);
        assertThrows(OrderStateException.class, () -> service.pay(empty));
        assertThrows(OrderStateException.class, () -> service.ship(empty, "dhl"));

        String shipped = service.createOrder("ken", new LineItem("SKU-1", 1, 100));
        service.pay(shipped);
        service.ship(shipped, "ups");
        assertThrows(OrderStateException.class, () -> service.cancel(shipped, "too late"));
        assertThrows(OrderStateException.class, () -> service.addItem(shipped, new LineItem("SKU-2", 1, 1)));

        assertThrows(UnknownOrderException.class, () -> service.pay("no-such-order"));
        assertThrows(IllegalArgumentException.class, () -> service.pay(shipped, 0));
    }

    @Test
    void cancellationsAndPoisonPaymentsAreReportedToOperators() {
        String poisoned = service.createOrder("ada", new LineItem("SKU-1", 1, 100));
        service.pay(poisoned, OrderEventTypes.POISON_PAYMENT_AMOUNT);
        service.cancel(poisoned, "refund");

        assertEquals("{\"amount\":-1,\"currency\":\"EUR\"}", store.load(poisoned).get(2).payloadText());
        assertEquals(Map.of(
                        new TypeAndSeverity("assessment", "error"), 1L,
                        new TypeAndSeverity("operator", "warning"), 1L),
                recorder.recordedCounts());
    }
}
