package com.acme.orders;

import java.util.Map;

/**
 * A store site the service only has as an interface, implemented by a dynamic proxy (as a Spring
 * Data repository or a client generated at run time is): the proxy class is the JDK's to name,
 * jdk.proxy1.$Proxy0, and the application's loader defines it.
 */
public interface LedgerEventStore {
    void append(Map<String, Object> event);
}
