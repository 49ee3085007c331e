package io.kube9.agent.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Threads that start their work at the same moment, for tests of what many threads update at once. */
final class Together {
    private Together() {}

    /** Starts {@code count} threads that each run {@code work} once all of them exist; join them to wait. */
    static List<Thread> start(int count, Runnable work) {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                work.run();
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        return threads;
    }
}
