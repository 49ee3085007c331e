package com.acme.axon;

import com.acme.axon.Messages.OrderPlaced;
import com.acme.axon.Messages.OrderShipped;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;

/** Fails on one order's shipment; Axon's error handler logs that and goes on. */
@ProcessingGroup("shipping")
public class ShippingProjection {
    int handled;
    int failed;

    @EventHandler
    public void on(OrderPlaced event) {
        handled++;
    }

    @EventHandler
    public void on(OrderShipped event) {
        if (event.orderId().equals("order-4")) {
            failed++;
            throw new IllegalStateException("the carrier's API is down for " + event.orderId());
        }
        handled++;
    }
}
