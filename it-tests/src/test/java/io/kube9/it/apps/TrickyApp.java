package io.kube9.it.apps;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A service whose events and sites do everything an agent must survive: an accessor that
 * throws, a recorder that throws, a recorder that calls itself, null events, an enormous
 * payload, a payload that refers to itself. It prints what it observed and exits with code 3,
 * so a test can check that the agent changes neither.
 *
 * <p>With {@code --hold} it waits for its standard input to close before exiting.
 */
public final class TrickyApp {
    private TrickyApp() {}

    public static void main(String[] args) throws IOException {
        TrickyEventRecorder recorder = new TrickyEventRecorder();
        recorder.recordEvent(new ThrowingAccessorEvent());
        recorder.recordEvent(null);
        recorder.recordEvent(new PlainEvent("health", "info", new byte[0]));
        recorder.recordEvent(new PlainEvent("system", "warning", new byte[8 * 1024 * 1024]));
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        recorder.recordEvent(new CyclicEvent(cyclic));
        recorder.recordRecursively(new PlainEvent("operator", "info", null), 50);

        IllegalStateException thrown = null;
        try {
            new FailingEventRecorder().recordEvent(new PlainEvent("cluster", "error", null));
        } catch (IllegalStateException e) {
            thrown = e;
        }
        System.out.println("thrown: " + thrown.getClass().getName() + " " + thrown.getMessage()
                + " same=" + (thrown == FailingEventRecorder.FAILURE));
        System.out.println("recorded: " + recorder.count);
        System.out.println("DONE");
        System.out.flush();
        if (args.length > 0 && args[0].equals("--hold")) {
            while (System.in.read() >= 0) {
                // wait for the test to close our standard input
            }
        }
        Runtime.getRuntime().halt(3); // a distinctive exit code, without running shutdown hooks twice
    }

    static final class TrickyEventRecorder {
        int count;

        void recordEvent(Object event) {
            count++;
        }

        /** Calls itself: only the outermost call may count. */
        void recordEvent(Object event, int depth) {
            if (depth > 0) {
                recordEvent(event, depth - 1);
            } else {
                recordEvent(event);
            }
        }

        void recordRecursively(Object event, int depth) {
            recordEvent(event, depth);
        }
    }

    static final class FailingEventRecorder {
        static final IllegalStateException FAILURE = new IllegalStateException("recorder is down");

        void recordEvent(Object event) {
            throw FAILURE;
        }
    }

    public static final class PlainEvent {
        private final String type;
        private final String severity;
        private final byte[] data;

        PlainEvent(String type, String severity, byte[] data) {
            this.type = type;
            this.severity = severity;
            this.data = data;
        }

        public String getType() {
            return type;
        }

        public String getSeverity() {
            return severity;
        }

        public byte[] getData() {
            return data;
        }
    }

    public static final class ThrowingAccessorEvent {
        public String getEventType() {
            throw new UnsupportedOperationException("no type today");
        }

        public String getSeverity() {
            return "critical";
        }
    }

    public static final class CyclicEvent {
        private final List<Object> payload;

        CyclicEvent(List<Object> payload) {
            this.payload = payload;
        }

        public String getType() {
            return "insight";
        }

        public Object getPayload() {
            return payload;
        }

        @Override
        public String toString() {
            return payload.toString(); // would overflow the stack: the agent must never call it
        }
    }
}
