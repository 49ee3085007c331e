package io.kube9.it;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** One scrape of the agent's endpoint over real HTTP, parsed from the Prometheus text format. */
final class Scrape {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String text;
    final Map<String, Double> samples = new TreeMap<>();

    private Scrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
    }

    static Scrape of(int port) throws IOException, InterruptedException {
        return new Scrape(get(port, "/metrics", "text/plain").body());
    }

    /**
     * A refused connection is tried again for a while: the agent starts its exporter on a
     * background thread while the service starts (issue 5).
     */
    static HttpResponse<String> get(int port, String path, String accept) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", accept).timeout(Duration.ofSeconds(10)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException refused) {
                if (System.nanoTime() > deadline) {
                    throw refused;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Samples of one metric keyed by their label part, e.g. {@code {event_type="order.paid"}}. */
    Map<String, Double> series(String name) {
        Map<String, Double> series = new TreeMap<>();
        samples.forEach((key, value) -> {
            if (key.equals(name) || key.startsWith(name + "{")) {
                series.put(key.substring(name.length()), value);
            }
        });
        return series;
    }

    double value(String name) {
        Double value = samples.get(name);
        if (value == null) {
            throw new AssertionError("no sample " + name + " in the scrape:\n" + text);
        }
        return value;
    }

    double sum(String name) {
        return series(name).values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
