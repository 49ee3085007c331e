package com.acme.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;

/**
 * Records the Events of a pod that fails to start, as fabric8's core/v1 and events.k8s.io/v1
 * Events and as the official client's CoreV1Event; prints DONE, then waits for its input to end.
 */
public class OperatorMain {
    public static void main(String[] args) throws Exception {
        PodEventRecorder recorder = new PodEventRecorder();
        recorder.record(new EventBuilder()
                .withNewMetadata().withName("web-1.17a").withNamespace("shop").withUid("event-1").endMetadata()
                .withType("Normal").withReason("Scheduled").withMessage("Successfully assigned shop/web-1 to node-a")
                .withNewInvolvedObject().withKind("Pod").withNamespace("shop").withName("web-1").withUid("pod-1")
                .endInvolvedObject()
                .withEventTime(new MicroTime("2026-11-24T10:00:00.250000Z"))
                .build());
        // as an operator makes one before its client creates it: a name, no uid yet
        recorder.record(new io.fabric8.kubernetes.api.model.events.v1.EventBuilder()
                .withNewMetadata().withName("web-1.17b").withNamespace("shop").endMetadata()
                .withType("Normal").withReason("Pulled").withNote("Container image \"shop:1.4\" already present")
                .withNewRegarding().withKind("Pod").withNamespace("shop").withName("web-1").withUid("pod-1")
                .endRegarding()
                .withEventTime(new MicroTime("2026-11-24T10:00:01.000000Z"))
                .build());
        for (int i = 0; i < 3; i++) { // older style: no eventTime, a last timestamp
            recorder.record(new EventBuilder()
                    .withNewMetadata().withName("web-1.17c").withNamespace("shop").withUid("event-3").endMetadata()
                    .withType("Warning").withReason("BackOff").withMessage("Back-off restarting failed container")
                    .withNewInvolvedObject().withKind("Pod").withNamespace("shop").withName("web-1").withUid("pod-1")
                    .endInvolvedObject()
                    .withLastTimestamp("2026-11-24T10:00:0" + (2 + i) + "Z")
                    .build());
        }
        recorder.recordEvent(new CoreV1Event()
                .metadata(new V1ObjectMeta().name("data-0.17d").namespace("shop").uid("event-4"))
                .type("Warning").reason("FailedMount").message("MountVolume.SetUp failed for volume \"data\"")
                .involvedObject(new V1ObjectReference().kind("Pod").namespace("shop").name("data-0").uid("pod-2"))
                .lastTimestamp(OffsetDateTime.parse("2026-11-24T10:00:05Z")));
        // handed the pod, the recorder builds the Event: counted once, as that Event
        recorder.record(new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata().withName("web-1").withNamespace("shop").withUid("pod-1").endMetadata().build(),
                "Warning", "Unhealthy", "Readiness probe failed", "2026-11-24T10:00:06.000000Z");
        recorder.recordEvent(new io.kubernetes.client.openapi.models.V1Pod()
                .metadata(new V1ObjectMeta().name("data-0").namespace("shop").uid("pod-2")),
                "Normal", "Started", "Started container data", "2026-11-24T10:00:07Z");
        System.out.println("recorded " + recorder.recorded());
        System.out.println("DONE");
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
