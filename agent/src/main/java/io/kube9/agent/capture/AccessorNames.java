package io.kube9.agent.capture;

import io.kube9.agent.config.AgentConfig;
import io.kube9.agent.config.Keys;
import java.util.List;
import java.util.Set;

/** The accessor names tried, in order, for each attribute of an event (SPEC section 2). */
public final class AccessorNames {
    /** The conventional names (the keys' defaults): a known family's replace only these. */
    private static final AccessorNames DEFAULTS = new AccessorNames(Keys.ACCESSOR_EVENT_TYPE.defaultValue(),
            Keys.ACCESSOR_SEVERITY.defaultValue(), Keys.ACCESSOR_TIMESTAMP.defaultValue(),
            Keys.ACCESSOR_PAYLOAD.defaultValue(), Keys.ACCESSOR_ID.defaultValue(),
            Keys.ACCESSOR_AGGREGATE_ID.defaultValue());
    /**
     * The Event classes of the Kubernetes client libraries (fabric8's and the official one's,
     * core/v1 and events.k8s.io): an operator's recorder is often handed these. Their {@code
     * type} is Normal or Warning, the reason is what happened, and the object it is about is a
     * reference a step in.
     */
    public static final Set<String> KUBERNETES_EVENTS = Set.of(
            "io.fabric8.kubernetes.api.model.Event",
            "io.fabric8.kubernetes.api.model.events.v1.Event",
            "io.fabric8.kubernetes.api.model.events.v1beta1.Event",
            "io.kubernetes.client.openapi.models.CoreV1Event",
            "io.kubernetes.client.openapi.models.EventsV1Event",
            "io.kubernetes.client.openapi.models.V1Event",
            "io.kubernetes.client.openapi.models.V1beta1Event");
    private static final AccessorNames KUBERNETES = new AccessorNames(
            List.of("reason"),
            List.of("type"),
            List.of("eventTime.time", "eventTime", "lastTimestamp", "deprecatedLastTimestamp", "firstTimestamp",
                    "metadata.creationTimestamp"),
            List.of("message", "note"),
            List.of("metadata.uid", "metadata.name"), // the uid only once the API server has the Event
            List.of("involvedObject.uid", "regarding.uid"));
    /**
     * Every message of Axon Framework implements this. Its {@code type} is the aggregate's type
     * (every event of an Order would read "Order"): the event's type is its payload's class.
     */
    static final String AXON_MESSAGE = "org.axonframework.messaging.Message";
    private static final AccessorNames AXON = new AccessorNames(
            List.of("payloadType"),
            DEFAULTS.severity, // Axon's messages have none
            List.of("timestamp"),
            List.of("payload"),
            List.of("identifier"),
            List.of("aggregateIdentifier"));

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

    /** The {@code kube9.accessor.*} names: those of every site. */
    public static AccessorNames from(AgentConfig config) {
        return new AccessorNames(config.get(Keys.ACCESSOR_EVENT_TYPE), config.get(Keys.ACCESSOR_SEVERITY),
                config.get(Keys.ACCESSOR_TIMESTAMP), config.get(Keys.ACCESSOR_PAYLOAD),
                config.get(Keys.ACCESSOR_ID), config.get(Keys.ACCESSOR_AGGREGATE_ID));
    }

    /** The names for one site's events: its own {@code kube9.<site>.accessor.*} where set, else these. */
    public AccessorNames forSite(AgentConfig config, Keys.SiteAccessors site) {
        return new AccessorNames(or(config.get(site.eventType), eventType), or(config.get(site.severity), severity),
                or(config.get(site.timestamp), timestamp), or(config.get(site.payload), payload),
                or(config.get(site.id), id), or(config.get(site.aggregateId), aggregateId));
    }

    private static List<String> or(List<String> names, List<String> otherwise) {
        return names != null ? names : otherwise;
    }

    /**
     * The names for events of {@code type}. Two families of classes are known by their own
     * fields, in place of each attribute's conventional names: a Kubernetes Event ({@link
     * #KUBERNETES_EVENTS}, the class or a superclass: reason as the event type, type as the
     * severity, the uid of the object it is about as the aggregate id) and an Axon message
     * (implementing {@link #AXON_MESSAGE}: its payload's class as the event type, its identifier
     * and aggregate identifier). An attribute whose names were configured keeps them.
     */
    AccessorNames forEventClass(Class<?> type) {
        AccessorNames known = isKubernetesEvent(type) ? KUBERNETES : implementsByName(type, AXON_MESSAGE) ? AXON : null;
        if (known == null) {
            return this;
        }
        return new AccessorNames(known(eventType, DEFAULTS.eventType, known.eventType),
                known(severity, DEFAULTS.severity, known.severity),
                known(timestamp, DEFAULTS.timestamp, known.timestamp),
                known(payload, DEFAULTS.payload, known.payload),
                known(id, DEFAULTS.id, known.id),
                known(aggregateId, DEFAULTS.aggregateId, known.aggregateId));
    }

    private static boolean isKubernetesEvent(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (KUBERNETES_EVENTS.contains(c.getName())) {
                return true;
            }
        }
        return false;
    }

    /** Whether the class or a supertype is an interface of that name (compared by name: no class is loaded). */
    private static boolean implementsByName(Class<?> type, String interfaceName) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Class<?> implemented : c.getInterfaces()) {
                if (implemented.getName().equals(interfaceName) || implementsByName(implemented, interfaceName)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> known(List<String> names, List<String> conventional, List<String> known) {
        return names.equals(conventional) ? known : names;
    }

    @Override
    public String toString() {
        return "event-type " + eventType + ", severity " + severity + ", timestamp " + timestamp + ", payload "
                + payload + ", id " + id + ", aggregate-id " + aggregateId;
    }
}
