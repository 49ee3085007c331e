package com.acme.axon;

import com.acme.axon.Messages.AddItems;
import com.acme.axon.Messages.PlaceOrder;
import com.acme.axon.Messages.ShipOrder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;

/**
 * An Axon Framework order service, configured without Spring: ORDERS orders, each placed with
 * three items in one command, every second one shipped; two subscribing processors. Prints
 * what its projections handled, then DONE, and waits for its input to end.
 */
public class OrderService {
    public static void main(String[] args) throws Exception {
        int orders = Integer.parseInt(args[0]);
        OrderSummaryProjection summary = new OrderSummaryProjection();
        ShippingProjection shipping = new ShippingProjection();
        Configurer configurer = DefaultConfigurer.defaultConfiguration(false)
                .configureEmbeddedEventStore(c -> new InMemoryEventStorageEngine())
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Order.class));
        configurer.eventProcessing()
                .registerSubscribingEventProcessor("summary")
                .registerSubscribingEventProcessor("shipping")
                .registerEventHandler(c -> summary)
                .registerEventHandler(c -> shipping);
        Configuration configuration = configurer.buildConfiguration();
        configuration.start();
        CommandGateway commands = configuration.commandGateway();
        for (int i = 1; i <= orders; i++) {
            String id = "order-" + i;
            commands.sendAndWait(new PlaceOrder(id, i));
            commands.sendAndWait(new AddItems(id, List.of("sku-a", "sku-b", "sku-c")));
            if (i % 2 == 0) {
                commands.sendAndWait(new ShipOrder(id));
            }
        }
        System.out.println("summary handled " + summary.handled);
        System.out.println("shipping handled " + shipping.handled + " failed " + shipping.failed);
        System.out.println("DONE");
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        configuration.shutdown();
    }
}
