package io.kube9.sample.store;

import java.util.List;

/** Append-only storage of the events of all aggregates. */
public interface EventStore {

    /** Appends all events atomically: either every one of them is stored or none is. */
    void append(List<StoredEvent> events);

    /** All events of one aggregate, in the order they were appended. */
    List<StoredEvent> load(String aggregateId);
}
