package com.acme.axon;

import com.acme.axon.Messages.ItemAdded;
import com.acme.axon.Messages.OrderPlaced;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;

@ProcessingGroup("summary")
public class OrderSummaryProjection {
    int handled;

    @EventHandler
    public void on(OrderPlaced event) {
        handled++;
    }

    @EventHandler
    public void on(ItemAdded event) {
        handled++;
    }
}
