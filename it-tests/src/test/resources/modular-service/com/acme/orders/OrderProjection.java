package com.acme.orders;

import java.util.Map;

/** A projection site as an interface, which the service puts a dynamic proxy in front of. */
public interface OrderProjection {
    void handle(Map<String, Object> event);
}
