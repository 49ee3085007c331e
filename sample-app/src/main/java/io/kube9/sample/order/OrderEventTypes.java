package io.kube9.sample.order;

import java.util.List;

/** The event types of the order aggregate, as stored in {@code StoredEvent.eventType}. */
public final class OrderEventTypes {

    public static final String CREATED = "order.created";
    public static final String ITEM_ADDED = "order.item_added";
    public static final String PAID = "order.paid";
    public static final String SHIPPED = "order.shipped";
    public static final String CANCELLED = "order.cancelled";

    public static final List<String> ALL = List.of(CREATED, ITEM_ADDED, PAID, SHIPPED, CANCELLED);

    /**
     * The amount a payment provider reports when it lost track of a payment. Such an
     * {@code order.paid} is stored as it happened, but revenue cannot be computed from it.
     */
    public static final long POISON_PAYMENT_AMOUNT = -1;

    private OrderEventTypes() {
    }
}
