package com.acme.orders;

import java.util.Map;

/** A store site of the plain kind: a class of the module. */
public class OrderEventStore {
    private int appended;

    public void append(Map<String, Object> event) {
        appended++;
    }

    int appended() {
        return appended;
    }
}
