package io.kube9.agent.capture;

import io.kube9.agent.config.AgentConfig;
import io.kube9.agent.config.Keys;
import java.util.List;

/** The accessor names tried, in order, for each attribute of an event (SPEC section 2). */
public final class AccessorNames {
    final List<String> eventType;
    final List<String> severity;
    final List<String> timestamp;
    final List<String> payload;
    final List<String> id;
    final List<String> aggregateId;

    private AccessorNames(List<String> eventType, List<String> severity, List<String> timestamp,
            List<String> payload, List<String> id, List<String> aggregateId) {
        this.eventType = List.copyOf(eventType);
        this.severity = List.copyOf(severity);
        this.timestamp = List.copyOf(timestamp);
        this.payload = List.copyOf(payload);
        this.id = List.copyOf(id);
        this.aggregateId = List.copyOf(aggregateId);
    }

    public static AccessorNames from(AgentConfig config) {
        return new AccessorNames(config.get(Keys.ACCESSOR_EVENT_TYPE), config.get(Keys.ACCESSOR_SEVERITY),
                config.get(Keys.ACCESSOR_TIMESTAMP), config.get(Keys.ACCESSOR_PAYLOAD),
                config.get(Keys.ACCESSOR_ID), config.get(Keys.ACCESSOR_AGGREGATE_ID));
    }

    public AccessorNames withEventType(List<String> names) {
        return new AccessorNames(names, severity, timestamp, payload, id, aggregateId);
    }

    public AccessorNames withAggregateId(List<String> names) {
        return new AccessorNames(eventType, severity, timestamp, payload, id, names);
    }

    public AccessorNames withId(List<String> names) {
        return new AccessorNames(eventType, severity, timestamp, payload, names, aggregateId);
    }
}
