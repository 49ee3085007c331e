package io.kube9.sample.projection;

/**
 * The read model of one order. {@code status} is one of created, paid, shipped, cancelled, or
 * unknown when events arrived for an order whose creation this process never saw.
 */
public record OrderSummary(String orderId, String status, int itemCount, long totalCents, long paidCents) {

    static OrderSummary unknown(String orderId) {
        return new OrderSummary(orderId, "unknown", 0, 0, 0);
    }

    OrderSummary withStatus(String newStatus) {
        return new OrderSummary(orderId, newStatus, itemCount, totalCents, paidCents);
    }

    OrderSummary withItem(long lineTotalCents) {
        return new OrderSummary(orderId, status, itemCount + 1, totalCents + lineTotalCents, paidCents);
    }

    OrderSummary withPayment(long amountCents) {
        return new OrderSummary(orderId, "paid", itemCount, totalCents, amountCents);
    }
}
