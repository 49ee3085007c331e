package io.kube9.sites;

/** A store site through its interface only. */
public class JdbcOrders implements OrderEventStore {
    @Override
    public String append(Object event) {
        return "appended " + event;
    }
}
