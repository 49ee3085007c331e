package io.kube9.agent.instrument;

import io.kube9.agent.bridge.EventSink;
import io.kube9.agent.bridge.Kube9Bridge;

/**
 * The bridge takes one sink per JVM: every test of advised code records through this one, which
 * delegates to a swappable field.
 */
final class TestBridge {
    static volatile EventSink current = EventSink.NONE;

    private static final EventSink DELEGATE = new EventSink() {
        @Override
        public void recorded(int target, String source, Object event, int thread) {
            current.recorded(target, source, event, thread);
        }

        @Override
        public void stored(int target, String source, Object event, int thread) {
            current.stored(target, source, event, thread);
        }

        @Override
        public void projected(int target, Object projection, Object event, long startNanos, Throwable thrown) {
            current.projected(target, projection, event, startNanos, thrown);
        }
    };

    static {
        if (!Kube9Bridge.install(DELEGATE)) {
            throw new IllegalStateException("the bridge had a sink before these tests");
        }
    }

    private TestBridge() {}

    /** Installs the delegating sink (once per JVM). */
    static void install() {
        // the static initialiser did it
    }
}
