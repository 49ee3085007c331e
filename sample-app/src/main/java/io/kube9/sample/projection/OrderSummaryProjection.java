package io.kube9.sample.projection;

import io.kube9.sample.json.Json;
import io.kube9.sample.order.OrderEventTypes;
import io.kube9.sample.store.StoredEvent;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps an in-memory summary (status and totals) of every order it has seen events for. */
public class OrderSummaryProjection {

    private final Map<String, OrderSummary> summaries = new ConcurrentHashMap<>();

    public void handle(StoredEvent event) {
        String type = event.eventType();
        if (!OrderEventTypes.ALL.contains(type)) {
            return;
        }
        Json.JsonObject payload = Json.parseObject(event.payloadText());
        summaries.compute(event.aggregateId(), (orderId, current) -> {
            OrderSummary summary = current != null ? current : OrderSummary.unknown(orderId);
            return switch (type) {
                case OrderEventTypes.CREATED -> summary.withStatus("created");
                case OrderEventTypes.ITEM_ADDED -> summary.withItem(
                        payload.integer("quantity").orElse(0L) * payload.integer("unitPrice").orElse(0L));
                case OrderEventTypes.PAID -> summary.withPayment(payload.integer("amount").orElse(0L));
                case OrderEventTypes.SHIPPED -> summary.withStatus("shipped");
                case OrderEventTypes.CANCELLED -> summary.withStatus("cancelled");
                default -> summary;
            };
        });
    }

    public Optional<OrderSummary> find(String orderId) {
        return Optional.ofNullable(summaries.get(orderId));
    }

    public int orderCount() {
        return summaries.size();
    }
}
