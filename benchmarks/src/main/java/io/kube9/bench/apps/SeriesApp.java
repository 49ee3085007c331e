package io.kube9.bench.apps;

import io.kube9.bench.fixture.BenchEventRecorder;
import io.kube9.bench.fixture.Events;
import io.kube9.bench.fixture.Level;
import java.time.Instant;

/**
 * Records one event of each of {@code types} event types at each of the 4 severities, so that
 * {@code kube9_events_total} holds {@code types * 4} series, prints {@code ready} and holds until
 * killed; the harness then times scrapes. Run with {@code metrics.label-limit} at least
 * {@code types}.
 */
public final class SeriesApp {
    private SeriesApp() {}

    public static void main(String[] args) throws InterruptedException {
        int types = Integer.parseInt(args[0]);
        BenchEventRecorder recorder = new BenchEventRecorder();
        Instant now = Instant.now();
        long sequence = 0;
        for (int type = 0; type < types; type++) {
            for (Level level : Level.values()) {
                recorder.recordEvent(Events.one("type-" + type, level, now, sequence++));
            }
        }
        System.out.println("ready " + recorder.recorded());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
