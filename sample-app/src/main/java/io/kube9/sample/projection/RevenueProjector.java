package io.kube9.sample.projection;

import io.kube9.sample.json.Json;
import io.kube9.sample.order.OrderEventTypes;
import io.kube9.sample.store.StoredEvent;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sums the revenue of all payments. A poison payment (amount -1) cannot be turned into revenue, so
 * it is rejected loudly rather than silently skewing the sum; the dispatcher counts the failure.
 */
public class RevenueProjector {

    private final LongAdder revenueCents = new LongAdder();
    private final LongAdder paymentCount = new LongAdder();

    public void project(StoredEvent event) {
        if (!OrderEventTypes.PAID.equals(event.eventType())) {
            return;
        }
        long amount = Json.parseObject(event.payloadText()).integer("amount")
                .orElseThrow(() -> new IllegalStateException("payment without amount for order " + event.aggregateId()));
        if (amount == OrderEventTypes.POISON_PAYMENT_AMOUNT) {
            throw new IllegalStateException("poison payment for order " + event.aggregateId()
                    + " (event " + event.id() + ", amount -1)");
        }
        revenueCents.add(amount);
        paymentCount.increment();
    }

    public long revenueCents() {
        return revenueCents.sum();
    }

    public long paymentCount() {
        return paymentCount.sum();
    }
}
