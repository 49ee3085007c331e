package io.kube9.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.kube9.agent.capture.AccessorNames;
import io.kube9.agent.config.TestConfigs;
import org.junit.jupiter.api.Test;

class TargetsTest {
    @Test
    void eachSiteReadsItsOwnAccessorsWhereGivenAndTheSharedOnesElse() {
        Targets targets = Targets.from(TestConfigs.fromAgentArgs(
                "recorder.accessor.event-type=reason,accessor.event-type=kind,store.accessor.id=metadata.uid,preset=axon"));

        assertThat(targets.all()).extracting(Target::site)
                .containsExactly(Site.RECORDER, Site.STORE, Site.PROJECTION, Site.STORE);
        assertThat(targets.get(0).accessors()).hasToString(
                "event-type [reason], severity [severity, level], timestamp [timestamp, occurredAt, createdAt], "
                + "payload [data, payload], id [id, eventId, identifier], aggregate-id [aggregateId, streamId]");
        assertThat(targets.get(1).accessors()).hasToString(
                "event-type [kind], severity [severity, level], timestamp [timestamp, occurredAt, createdAt], "
                + "payload [data, payload], id [metadata.uid], aggregate-id [aggregateId, streamId]");
        assertThat(targets.get(2).accessors()).hasToString(AccessorNames.from(TestConfigs.fromAgentArgs(
                "accessor.event-type=kind")).toString());
        assertThat(targets.get(3).accessors()).as("the preset's store: the store site's names")
                .hasToString(targets.get(1).accessors().toString());
        assertThat(targets.get(3).typePatterns())
                .containsExactly("org.axonframework.eventsourcing.eventstore.EventStorageEngine");
    }
}
