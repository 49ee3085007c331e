package io.kube9.sample.order;

import java.util.Locale;

public enum OrderStatus {
    CREATED, PAID, SHIPPED, CANCELLED;

    /** The lower-case name used in JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
