package io.kube9.it.apps;

import java.io.IOException;

/**
 * A service that records a burst of events the moment it starts, as an operator resyncing its
 * whole cluster does: the agent's journal is still opening (sqlite-jdbc unpacks and loads its
 * native library) while the burst goes into the agent's queue. Prints how long the burst took,
 * then {@code DONE}, and waits for its standard input to close.
 */
public final class BurstApp {
    private BurstApp() {}

    public static void main(String[] args) throws IOException {
        int events = Integer.parseInt(args[0]);
        BurstEventRecorder recorder = new BurstEventRecorder();
        String[] types = {"pod.scheduled", "pod.started", "pod.ready", "node.pressure"};
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            recorder.recordEvent(new TrickyApp.PlainEvent(types[i & 3], "info", null));
        }
        long micros = (System.nanoTime() - start) / 1000;
        System.out.println("recorded " + recorder.count + " in " + micros + " us");
        System.out.println("DONE");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the test to close our standard input
        }
    }

    static final class BurstEventRecorder {
        int count;

        void recordEvent(TrickyApp.PlainEvent event) {
            count++;
        }
    }
}
