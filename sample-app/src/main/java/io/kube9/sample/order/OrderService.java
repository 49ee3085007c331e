package io.kube9.sample.order;

import io.kube9.sample.json.Json;
import io.kube9.sample.ops.OperationalEvent;
import io.kube9.sample.ops.OperationalEventRecorder;
import io.kube9.sample.ops.Severity;
import io.kube9.sample.store.EventStore;
import io.kube9.sample.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The command side: validates a command against the order's stored history and appends the
 * resulting events.
 *
 * <p>Commands on the same order are serialized by a striped lock, so that the read-validate-append
 * sequence cannot interleave with another command on that order. (One service instance owns the
 * store; across processes this would need optimistic concurrency on the stream version instead.)
 */
public class OrderService {

    private static final int LOCK_STRIPES = 64;

    private final EventStore eventStore;
    private final OperationalEventRecorder recorder;
    private final Object[] orderLocks = new Object[LOCK_STRIPES];

    public OrderService(EventStore eventStore, OperationalEventRecorder recorder) {
        this.eventStore = eventStore;
        this.recorder = recorder;
        for (int i = 0; i < orderLocks.length; i++) {
            orderLocks[i] = new Object();
        }
    }

    /**
     * Creates an order. With a first item, both events are appended in one batch, so an order never
     * exists without the item it was created with.
     *
     * @return the new order's id
     */
    public String createOrder(String customer, LineItem firstItemOrNull) {
        if (customer == null || customer.isBlank()) {
            throw new IllegalArgumentException("customer must not be blank");
        }
        String orderId = UUID.randomUUID().toString();
        List<StoredEvent> events = new ArrayList<>(2);
        events.add(StoredEvent.now(orderId, OrderEventTypes.CREATED,
                Json.object().field("customer", customer).toString()));
        if (firstItemOrNull != null) {
            events.add(itemAdded(orderId, firstItemOrNull));
        }
        eventStore.append(events);
        return orderId;
    }

    public void addItem(String orderId, LineItem item) {
        synchronized (lockFor(orderId)) {
            load(orderId).requireStatus("add an item to", OrderStatus.CREATED);
            eventStore.append(List.of(itemAdded(orderId, item)));
        }
    }

    /** Pays the order's full total. */
    public void pay(String orderId) {
        synchronized (lockFor(orderId)) {
            payLocked(orderId, load(orderId).totalCents());
        }
    }

    /**
     * Records a payment of {@code amountCents} as reported by the payment provider. The provider's
     * {@link OrderEventTypes#POISON_PAYMENT_AMOUNT} is stored as reported and flagged for assessment.
     */
    public void pay(String orderId, long amountCents) {
        if (amountCents <= 0 && amountCents != OrderEventTypes.POISON_PAYMENT_AMOUNT) {
            throw new IllegalArgumentException("amount must be positive, got " + amountCents);
        }
        synchronized (lockFor(orderId)) {
            payLocked(orderId, amountCents);
        }
    }

    private void payLocked(String orderId, long amountCents) {
        Order order = load(orderId);
        order.requireStatus("pay", OrderStatus.CREATED);
        if (order.itemCount() == 0) {
            throw new OrderStateException("cannot pay order " + orderId + ": it has no items");
        }
        eventStore.append(List.of(StoredEvent.now(orderId, OrderEventTypes.PAID,
                Json.object().field("amount", amountCents).field("currency", "EUR").toString())));
        if (amountCents == OrderEventTypes.POISON_PAYMENT_AMOUNT) {
            recorder.recordEvent(new OperationalEvent("assessment", Severity.ERROR,
                    "poison payment stored for order " + orderId, Instant.now()));
        }
    }

    public void ship(String orderId, String carrier) {
        if (carrier == null || carrier.isBlank()) {
            throw new IllegalArgumentException("carrier must not be blank");
        }
        synchronized (lockFor(orderId)) {
            load(orderId).requireStatus("ship", OrderStatus.PAID);
            eventStore.append(List.of(StoredEvent.now(orderId, OrderEventTypes.SHIPPED,
                    Json.object().field("carrier", carrier).toString())));
        }
    }

    /** Cancels an order that has not shipped yet; operators are told, as it may need a refund. */
    public void cancel(String orderId, String reason) {
        String why = reason == null || reason.isBlank() ? "unspecified" : reason;
        synchronized (lockFor(orderId)) {
            load(orderId).requireStatus("cancel", OrderStatus.CREATED, OrderStatus.PAID);
            eventStore.append(List.of(StoredEvent.now(orderId, OrderEventTypes.CANCELLED,
                    Json.object().field("reason", why).toString())));
        }
        recorder.recordEvent(new OperationalEvent("operator", Severity.WARNING,
                "order " + orderId + " cancelled: " + why, Instant.now()));
    }

    private static StoredEvent itemAdded(String orderId, LineItem item) {
        return StoredEvent.now(orderId, OrderEventTypes.ITEM_ADDED, Json.object()
                .field("sku", item.sku())
                .field("quantity", item.quantity())
                .field("unitPrice", item.unitPriceCents())
                .toString());
    }

    private Order load(String orderId) {
        return Order.replay(orderId, eventStore.load(orderId));
    }

    private Object lockFor(String orderId) {
        return orderLocks[Math.floorMod(orderId.hashCode(), LOCK_STRIPES)];
    }
}
