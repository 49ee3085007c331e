package com.acme.orders.shipping;

/** A store site in a package the module keeps to itself. */
public final class ShipmentEventStore {
    private int appended;

    public void append(ShipmentEvent event) {
        appended++;
    }

    public int appended() {
        return appended;
    }
}
