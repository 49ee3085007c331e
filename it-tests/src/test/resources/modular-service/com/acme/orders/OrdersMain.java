package com.acme.orders;

import com.acme.orders.shipping.ShipmentEvent;
import com.acme.orders.shipping.ShipmentEventStore;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Appends {@code args[0]} events to each store (one of them in a package the module keeps to
 * itself) and hands each to a projection through a proxy,
 * prints the proxy's class name, the counts and DONE, then waits for its standard input to close.
 */
public final class OrdersMain {
    private OrdersMain() {}

    public static void main(String[] args) throws Exception {
        int events = Integer.parseInt(args[0]);
        OrderEventStore orders = new OrderEventStore();
        AtomicInteger ledgered = new AtomicInteger();
        LedgerEventStore ledger = (LedgerEventStore) Proxy.newProxyInstance(OrdersMain.class.getClassLoader(),
                new Class<?>[] {LedgerEventStore.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("append")) {
                        ledgered.incrementAndGet();
                        return null;
                    }
                    return method.invoke(proxy, arguments); // not called: toString and the rest
                });
        ShipmentEventStore shipments = new ShipmentEventStore();
        OrderProjector projector = new OrderProjector();
        OrderProjection projection = (OrderProjection) Proxy.newProxyInstance(OrdersMain.class.getClassLoader(),
                new Class<?>[] {OrderProjection.class}, (proxy, method, arguments) -> method.invoke(projector, arguments));
        for (int i = 0; i < events; i++) {
            orders.append(Map.of("type", "order.placed", "id", "order-" + i));
            ledger.append(Map.of("type", "ledger.posted", "id", "entry-" + i));
            projection.handle(Map.of("type", "order.placed", "id", "order-" + i));
            shipments.append(new ShipmentEvent("shipment-" + i, "order-" + i, 1_700_000_000_000L + i));
        }
        System.out.println("proxy " + ledger.getClass().getName());
        System.out.println("appended " + orders.appended() + " " + ledgered.get() + " " + projector.handled()
                + " " + shipments.appended());
        System.out.println("DONE");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the test to close our standard input
        }
    }
}
