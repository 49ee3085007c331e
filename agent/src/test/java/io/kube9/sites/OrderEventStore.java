package io.kube9.sites;

/** A site by name (*EventStore), without a body to advise. */
public interface OrderEventStore {
    String append(Object event);
}
