package com.acme.axon;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.acme.axon.Messages.AddItems;
import com.acme.axon.Messages.ItemAdded;
import com.acme.axon.Messages.OrderPlaced;
import com.acme.axon.Messages.OrderShipped;
import com.acme.axon.Messages.PlaceOrder;
import com.acme.axon.Messages.ShipOrder;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/** An event-sourced aggregate: its event sourcing handlers are no projection. */
public class Order {
    @AggregateIdentifier
    private String orderId;

    protected Order() {}

    @CommandHandler
    public Order(PlaceOrder command) {
        apply(new OrderPlaced(command.orderId(), command.quantity()));
    }

    @CommandHandler
    public void handle(AddItems command) {
        for (String sku : command.skus()) { // one unit of work: one append of them all
            apply(new ItemAdded(orderId, sku));
        }
    }

    @CommandHandler
    public void handle(ShipOrder command) {
        apply(new OrderShipped(orderId));
    }

    @EventSourcingHandler
    void on(OrderPlaced event) {
        orderId = event.orderId();
    }
}
