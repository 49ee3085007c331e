package com.acme.orders.shipping;

/**
 * An event of a package the module neither exports nor opens: the agent opens it to itself to read
 * the getters. Its id is read through a package-private method.
 */
public final class ShipmentEvent {
    private final String id;
    private final String orderId;
    private final long occurredAt;

    public ShipmentEvent(String id, String orderId, long occurredAt) {
        this.id = id;
        this.orderId = orderId;
        this.occurredAt = occurredAt;
    }

    String id() {
        return id;
    }

    public String getAggregateId() {
        return orderId;
    }

    public String getType() {
        return "shipment.sent";
    }

    public long getOccurredAt() {
        return occurredAt;
    }
}
