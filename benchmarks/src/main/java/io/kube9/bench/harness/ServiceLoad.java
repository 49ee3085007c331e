package io.kube9.bench.harness;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A closed-loop HTTP load on the sample service: each client connection runs the life of an
 * order (create, add an item, pay, ship, read the projected summary) plus one operational event,
 * and times every call. Calls made during the warm-up are not counted.
 */
public final class ServiceLoad {
    private static final Pattern ORDER_ID = Pattern.compile("\"orderId\"\\s*:\\s*\"([^\"]+)\"");

    /**
     * Calls per second over the measured window, the latency percentiles of those calls, and the
     * service's CPU seconds over the same window (NaN when not asked for).
     */
    public record Result(double callsPerSecond, double p50Millis, double p99Millis, long calls, long errors,
            double windowCpuSeconds) {}

    private ServiceLoad() {}

    public static Result run(int port, int connections, long warmupMillis, long measureMillis)
            throws InterruptedException, IOException {
        return run(port, connections, warmupMillis, measureMillis, () -> Double.NaN);
    }

    /** @param serviceCpu the service's CPU seconds so far, read as the measured window opens and closes */
    public static Result run(int port, int connections, long warmupMillis, long measureMillis,
            DoubleSupplier serviceCpu) throws InterruptedException, IOException {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Client> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Client client = new Client(port, c, measuring, stop, failure);
            clients.add(client);
            Thread thread = new Thread(client, "load-client-" + c);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        Thread.sleep(warmupMillis);
        measuring.set(true);
        double cpuAtStart = serviceCpu.getAsDouble();
        long start = System.nanoTime();
        Thread.sleep(measureMillis);
        measuring.set(false);
        double windowCpu = serviceCpu.getAsDouble() - cpuAtStart;
        double seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        if (failure.get() != null) {
            throw new IOException("load client failed: " + failure.get(), failure.get());
        }
        long total = 0;
        long errors = 0;
        for (Client client : clients) {
            total += client.count;
            errors += client.errors;
        }
        long[] all = new long[(int) total];
        int at = 0;
        for (Client client : clients) {
            System.arraycopy(client.latencies, 0, all, at, client.count);
            at += client.count;
        }
        Arrays.sort(all);
        return new Result(total / seconds, Stats.percentile(all, all.length, 50) / 1e6,
                Stats.percentile(all, all.length, 99) / 1e6, total, errors, windowCpu);
    }

    private static final class Client implements Runnable {
        private final Http http;
        private final int id;
        private final AtomicBoolean measuring;
        private final AtomicBoolean stop;
        private final AtomicReference<Throwable> failure;
        long[] latencies = new long[1 << 16];
        int count;
        long errors;

        Client(int port, int id, AtomicBoolean measuring, AtomicBoolean stop, AtomicReference<Throwable> failure) {
            this.http = new Http("127.0.0.1", port);
            this.id = id;
            this.measuring = measuring;
            this.stop = stop;
            this.failure = failure;
        }

        @Override
        public void run() {
            try {
                for (long order = 0; !stop.get(); order++) {
                    Http.Response created = call("POST", "/orders",
                            "{\"customer\":\"bench-" + id + "\",\"sku\":\"SKU-1\",\"quantity\":2,\"unitPrice\":1299}");
                    Matcher matcher = ORDER_ID.matcher(created.body());
                    if (!matcher.find()) {
                        throw new IOException("no order id in " + created.body());
                    }
                    String path = "/orders/" + matcher.group(1);
                    call("POST", path + "/items", "{\"sku\":\"SKU-" + (order % 50) + "\",\"quantity\":1,\"unitPrice\":499}");
                    call("POST", path + "/pay", "{}");
                    call("POST", path + "/ship", "{\"carrier\":\"dhl\"}");
                    call("POST", "/ops-events", "{\"type\":\"health\",\"severity\":\"info\",\"message\":\"ok\"}");
                    call("GET", path, null);
                }
            } catch (Throwable t) {
                if (!stop.get()) {
                    failure.compareAndSet(null, t);
                }
            } finally {
                http.close();
            }
        }

        private Http.Response call(String method, String path, String body) throws IOException {
            long start = System.nanoTime();
            Http.Response response = http.exchange(method, path, "", body, true);
            long nanos = System.nanoTime() - start;
            if (measuring.get()) {
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = nanos;
                if (response.status() >= 500) {
                    errors++;
                }
            }
            return response;
        }
    }
}
