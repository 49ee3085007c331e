package io.kube9.agent.bridge;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that writes each call down as one line ("recorded 1 A#record e1"), for tests. */
public final class RecordingSink implements EventSink {
    public final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void recorded(int target, String source, Object event, int thread) {
        calls.add("recorded " + target + " " + source + " " + event);
    }

    @Override
    public void stored(int target, String source, Object event, int thread) {
        calls.add("stored " + target + " " + source + " " + event);
    }

    @Override
    public void projected(int target, Object projection, Object event, long startNanos, Throwable thrown) {
        calls.add("projected " + target + " " + event);
    }
}
