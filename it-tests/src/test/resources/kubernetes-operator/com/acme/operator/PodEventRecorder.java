package com.acme.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.OffsetDateTime;

/**
 * What an operator's recorder looks like: it is handed the Kubernetes Event it would create
 * through its client (here it only counts them: no API server in a test).
 */
public class PodEventRecorder {
    private int recorded;

    public void record(Event event) {
        recorded++;
    }

    public void record(io.fabric8.kubernetes.api.model.events.v1.Event event) {
        recorded++;
    }

    public void recordEvent(CoreV1Event event) {
        recorded++;
    }

    /** The usual convenience: the object an Event is about, its type, reason and message. */
    public void record(Pod pod, String type, String reason, String message, String time) {
        record(new EventBuilder()
                .withNewMetadata().withName(pod.getMetadata().getName() + ".17e").withNamespace("shop").endMetadata()
                .withType(type).withReason(reason).withMessage(message)
                .withNewInvolvedObject().withKind("Pod").withNamespace("shop").withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid()).endInvolvedObject()
                .withEventTime(new MicroTime(time))
                .build());
    }

    /** The same with the official client's objects. */
    public void recordEvent(V1Pod pod, String type, String reason, String message, String time) {
        recordEvent(new CoreV1Event()
                .metadata(new V1ObjectMeta().name(pod.getMetadata().getName() + ".17f").namespace("shop"))
                .type(type).reason(reason).message(message)
                .involvedObject(new V1ObjectReference().kind("Pod").namespace("shop").name(pod.getMetadata().getName())
                        .uid(pod.getMetadata().getUid()))
                .lastTimestamp(OffsetDateTime.parse(time)));
    }

    public int recorded() {
        return recorded;
    }
}
