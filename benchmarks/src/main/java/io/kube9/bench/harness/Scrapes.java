package io.kube9.bench.harness;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Timed scrapes of a metrics endpoint, sent the way Prometheus sends them. */
public final class Scrapes {
    /** What Prometheus 2.x sends by default (OpenMetrics preferred, gzip accepted). */
    static final String PROMETHEUS_HEADERS = "Accept: application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n"
            + "Accept-Encoding: gzip\r\nUser-Agent: Prometheus/2.53.0\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n";
    static final String PLAIN_HEADERS = "Accept: text/plain\r\n";

    /** Milliseconds per scrape (median, p99, max) and the size of one response (bytes on the wire). */
    public record Timing(double medianMillis, double p99Millis, double maxMillis, int bytes) {}

    private Scrapes() {}

    /**
     * {@code count} scrapes {@code pauseMillis} apart, over one kept-alive connection (as Prometheus
     * does) or a new connection each time.
     */
    public static Timing time(int port, int count, boolean keepAlive, long pauseMillis) throws IOException,
            InterruptedException {
        double[] millis = new double[count];
        int bytes = 0;
        Http http = new Http("127.0.0.1", port);
        try {
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                Http.Response response = http.exchange("GET", "/metrics", PROMETHEUS_HEADERS, null, false);
                millis[i] = (System.nanoTime() - start) / 1e6;
                if (response.status() != 200) {
                    throw new IOException("scrape of port " + port + " answered " + response.status());
                }
                bytes = response.bodyBytes();
                if (!keepAlive) {
                    http.close();
                }
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } finally {
            http.close();
        }
        return new Timing(Stats.percentile(millis, 50), Stats.percentile(millis, 99),
                Stats.percentile(millis, 100), bytes);
    }

    /**
     * Waits until the endpoint answers: the agent starts its exporter on a background thread, a
     * moment after the service's {@code main} begins.
     */
    public static void awaitUp(int port, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            try {
                samples(port);
                return;
            } catch (java.net.ConnectException refused) {
                if (System.nanoTime() > deadline) {
                    throw refused;
                }
                Thread.sleep(20);
            }
        }
    }

    /** One scrape in the plain text format, as sample name with labels to value. */
    public static Map<String, Double> samples(int port) throws IOException {
        Map<String, Double> samples = new HashMap<>();
        try (Http http = new Http("127.0.0.1", port)) {
            String body = http.exchange("GET", "/metrics", PLAIN_HEADERS, null, true).body();
            for (String line : body.split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                try {
                    samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // not a sample line
                }
            }
        }
        return samples;
    }

    /** Sum of every series of {@code name}. */
    public static double sum(Map<String, Double> samples, String name) {
        double sum = 0;
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            String key = sample.getKey();
            if (key.equals(name) || key.startsWith(name + "{")) {
                sum += sample.getValue();
            }
        }
        return sum;
    }
}
