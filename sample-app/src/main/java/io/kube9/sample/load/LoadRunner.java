package io.kube9.sample.load;

import io.kube9.sample.ops.OperationalEvent;
import io.kube9.sample.ops.OperationalEventRecorder;
import io.kube9.sample.order.OrderService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Executes a generated load against the service on several threads at a bounded total rate. */
public final class LoadRunner {

    private final OrderService orderService;
    private final OperationalEventRecorder recorder;
    private final int threads;
    private final double commandsPerSecond;

    /** @param commandsPerSecond total rate over all threads; 0 runs as fast as possible */
    public LoadRunner(OrderService orderService, OperationalEventRecorder recorder, int threads, double commandsPerSecond) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        this.orderService = orderService;
        this.recorder = recorder;
        this.threads = threads;
        this.commandsPerSecond = commandsPerSecond;
    }

    /** Runs every command and returns when all are done; the first failing command fails the run. */
    public void run(List<LoadCommand> commands) throws InterruptedException {
        List<List<LoadCommand>> lanes = new ArrayList<>();
        for (int lane = 0; lane < threads; lane++) {
            lanes.add(new ArrayList<>());
        }
        for (LoadCommand command : commands) {
            lanes.get(command.lane(threads)).add(command);
        }

        RatePacer pacer = new RatePacer(commandsPerSecond);
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "load-runner-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (List<LoadCommand> lane : lanes) {
                running.add(executor.submit(() -> {
                    runLane(lane, pacer);
                    return null;
                }));
            }
            for (Future<?> lane : running) {
                lane.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("load command failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            executor.shutdownNow();
        }
    }

    private void runLane(List<LoadCommand> lane, RatePacer pacer) throws InterruptedException {
        // Only this thread runs this lane's orders, so a plain map of their real ids suffices.
        Map<Integer, String> orderIds = new HashMap<>();
        for (LoadCommand command : lane) {
            pacer.awaitSlot();
            execute(command, orderIds);
        }
    }

    private void execute(LoadCommand command, Map<Integer, String> orderIds) {
        if (command instanceof LoadCommand.CreateOrder create) {
            orderIds.put(create.orderIndex(), orderService.createOrder(create.customer(), create.firstItemOrNull()));
        } else if (command instanceof LoadCommand.AddItem addItem) {
            orderService.addItem(orderIds.get(addItem.orderIndex()), addItem.item());
        } else if (command instanceof LoadCommand.Pay pay) {
            orderService.pay(orderIds.get(pay.orderIndex()), pay.amountCents());
        } else if (command instanceof LoadCommand.Ship ship) {
            orderService.ship(orderIds.get(ship.orderIndex()), ship.carrier());
        } else if (command instanceof LoadCommand.Cancel cancel) {
            orderService.cancel(orderIds.get(cancel.orderIndex()), cancel.reason());
        } else if (command instanceof LoadCommand.RecordOperationalEvent event) {
            recorder.recordEvent(new OperationalEvent(event.eventType(), event.severity(), event.message(), Instant.now()));
        } else {
            throw new IllegalArgumentException("unsupported load command " + command);
        }
    }
}
