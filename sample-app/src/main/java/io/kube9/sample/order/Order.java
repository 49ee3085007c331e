package io.kube9.sample.order;

import io.kube9.sample.json.Json;
import io.kube9.sample.store.StoredEvent;
import java.util.List;

/**
 * The write-side state of one order, rebuilt from its events before each command so that commands
 * are validated against what was actually stored (not against the asynchronous read model).
 */
final class Order {

    private final String id;
    private OrderStatus status;
    private int itemCount;
    private long totalCents;

    private Order(String id) {
        this.id = id;
    }

    static Order replay(String id, List<StoredEvent> history) {
        Order order = new Order(id);
        history.forEach(order::apply);
        if (order.status == null) {
            // No order.created: whatever else is stored under this id, it is not an order.
            throw new UnknownOrderException(id);
        }
        return order;
    }

    private void apply(StoredEvent event) {
        switch (event.eventType()) {
            case OrderEventTypes.CREATED -> status = OrderStatus.CREATED;
            case OrderEventTypes.ITEM_ADDED -> {
                Json.JsonObject item = Json.parseObject(event.payloadText());
                itemCount++;
                totalCents += item.integer("quantity").orElse(0L) * item.integer("unitPrice").orElse(0L);
            }
            case OrderEventTypes.PAID -> status = OrderStatus.PAID;
            case OrderEventTypes.SHIPPED -> status = OrderStatus.SHIPPED;
            case OrderEventTypes.CANCELLED -> status = OrderStatus.CANCELLED;
            default -> {
                // Event types this version does not know do not change the state it validates.
            }
        }
    }

    void requireStatus(String command, OrderStatus... allowed) {
        for (OrderStatus candidate : allowed) {
            if (status == candidate) {
                return;
            }
        }
        throw new OrderStateException("cannot " + command + " order " + id + ": it is " + status.label());
    }

    int itemCount() {
        return itemCount;
    }

    long totalCents() {
        return totalCents;
    }
}
