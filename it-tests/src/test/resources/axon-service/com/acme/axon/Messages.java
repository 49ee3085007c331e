package com.acme.axon;

import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The order service's commands and events. */
final class Messages {
    private Messages() {}

    record PlaceOrder(@TargetAggregateIdentifier String orderId, int quantity) {}

    record AddItems(@TargetAggregateIdentifier String orderId, List<String> skus) {}

    record ShipOrder(@TargetAggregateIdentifier String orderId) {}

    public record OrderPlaced(String orderId, int quantity) {}

    public record ItemAdded(String orderId, String sku) {}

    public record OrderShipped(String orderId) {}
}
