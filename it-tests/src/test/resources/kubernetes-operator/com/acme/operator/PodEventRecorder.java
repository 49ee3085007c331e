package com.acme.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.kubernetes.client.openapi.models.CoreV1Event;

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

    public int recorded() {
        return recorded;
    }
}
