package io.kube9.sample;

import io.kube9.sample.ops.OperationalEventRecorder;
import io.kube9.sample.projection.ProjectionDispatcher;
import io.kube9.sample.store.SqliteEventStore;

/**
 * Renders the counts summary that tests parse and compare with what an agent observed. The shape
 * is a contract: groups in this order, Prometheus-like lines, labels sorted within each group.
 */
final class CountsReport {

    private CountsReport() {
    }

    static String render(SqliteEventStore store, OperationalEventRecorder recorder, ProjectionDispatcher dispatcher) {
        StringBuilder report = new StringBuilder("=== sample-app counts ===\n");
        store.storedEventCounts().forEach((type, count) ->
                line(report, "stored_events{event_type=\"" + type + "\"}", count));
        line(report, "stored_payload_bytes", store.storedPayloadBytes());
        recorder.recordedCounts().forEach((key, count) -> line(report,
                "recorded_events{event_type=\"" + key.eventType() + "\",severity=\"" + key.severity() + "\"}", count));
        dispatcher.updateCounts().forEach((projection, count) ->
                line(report, "projection_updates{projection=\"" + projection + "\"}", count));
        dispatcher.errorCounts().forEach((projection, count) ->
                line(report, "projection_errors{projection=\"" + projection + "\"}", count));
        return report.append("=== end ===\n").toString();
    }

    private static void line(StringBuilder report, String series, long value) {
        report.append(series).append(' ').append(value).append('\n');
    }
}
