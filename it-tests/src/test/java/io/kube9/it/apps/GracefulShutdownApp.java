package io.kube9.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A service that, like a web server with graceful shutdown, lets its work in flight finish after
 * SIGTERM: a shutdown hook of its own waits a moment, then records the last events. Arguments:
 * events before, events in the hook.
 */
public final class GracefulShutdownApp {
    private GracefulShutdownApp() {}

    /** An event: its type by the conventional accessor. */
    public static final class OrderEvent {
        private final String eventType;

        OrderEvent(String eventType) {
            this.eventType = eventType;
        }

        public String eventType() {
            return eventType;
        }
    }

    /** The service's recorder: a site by its name. */
    public static final class OrderEventRecorder {
        public void record(Object event) {}
    }

    public static void main(String[] args) throws Exception {
        int before = Integer.parseInt(args[0]);
        int inHook = Integer.parseInt(args[1]);
        OrderEventRecorder recorder = new OrderEventRecorder();
        for (int i = 0; i < before; i++) {
            recorder.record(new OrderEvent("order.placed"));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(1_500); // requests in flight finishing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < inHook; i++) {
                recorder.record(new OrderEvent("order.finished.in.flight"));
            }
            System.out.println("in-flight work done");
        }));
        System.out.println("READY");
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
