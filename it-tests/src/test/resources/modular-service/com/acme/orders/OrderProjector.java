package com.acme.orders;

import java.util.Map;

/** The projection class behind the proxy: where its calls count, under its own name. */
public class OrderProjector implements OrderProjection {
    private int handled;

    @Override
    public void handle(Map<String, Object> event) {
        handled++;
    }

    int handled() {
        return handled;
    }
}
