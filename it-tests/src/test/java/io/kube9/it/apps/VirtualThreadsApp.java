package io.kube9.it.apps;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service that handles each task on a virtual thread of its own (a thread per request, as
 * Spring Boot does with {@code spring.threads.virtual.enabled}): each task records one event and
 * appends one, and the append sleeps inside the store and calls another store method on the way,
 * so that the virtual thread leaves its carrier in the middle of an intercepted call. Prints
 * {@code tasks N} and {@code DONE}, or {@code no virtual threads} on a JVM without them, then
 * waits for its standard input to close.
 */
public final class VirtualThreadsApp {
    private VirtualThreadsApp() {}

    public static void main(String[] args) throws Exception {
        int tasks = Integer.parseInt(args[0]);
        Method perTask;
        try {
            perTask = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        } catch (NoSuchMethodException beforeJava21) {
            System.out.println("no virtual threads");
            System.out.println("DONE");
            System.out.flush();
            waitForStdin();
            return;
        }
        TaskEventRecorder recorder = new TaskEventRecorder();
        TaskEventStore store = new TaskEventStore();
        ExecutorService executor = (ExecutorService) perTask.invoke(null);
        for (int i = 0; i < tasks; i++) {
            int task = i;
            executor.submit(() -> {
                recorder.recordEvent(new TrickyApp.PlainEvent("task.started", "info", null));
                store.append(new TrickyApp.PlainEvent("task.done", "info", new byte[task % 7]));
                return null;
            });
        }
        executor.shutdown();
        executor.awaitTermination(60, TimeUnit.SECONDS);
        System.out.println("tasks " + recorder.count.get() + " " + store.count.get());
        System.out.println("DONE");
        System.out.flush();
        waitForStdin();
    }

    private static void waitForStdin() throws IOException {
        while (System.in.read() >= 0) {
            // wait for the test to close our standard input
        }
    }

    static final class TaskEventRecorder {
        final AtomicInteger count = new AtomicInteger();

        void recordEvent(Object event) {
            count.incrementAndGet();
        }
    }

    static final class TaskEventStore {
        final AtomicInteger count = new AtomicInteger();

        /** Parks (the virtual thread unmounts), then calls the store's other method: one event. */
        void append(Object event) throws InterruptedException {
            Thread.sleep(1);
            append(event, 1);
        }

        void append(Object event, int version) {
            count.incrementAndGet();
        }
    }
}
