package io.kube9.bench.harness;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Prometheus server (when {@code prometheus} is on the PATH, as on the project's machines
 * where it comes with promtool) scraping one endpoint every second; reports the median of its own
 * {@code scrape_duration_seconds}. The cross-check for the harness's own scrape timing.
 */
final class RealPrometheus {
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");

    private RealPrometheus() {}

    static boolean available() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "prometheus"))) {
                return true;
            }
        }
        return false;
    }

    /** Median and max scrape duration in milliseconds over {@code seconds} of 1 s scrapes, or NaNs. */
    static double[] scrapeMillis(int targetPort, Path dir, int seconds) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = Agents.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"
                + "  - job_name: target\n    static_configs:\n      - targets: ['127.0.0.1:" + targetPort + "']\n");
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds + 2));
            String window = "[" + seconds + "s]";
            return new double[] {
                query(port, "quantile_over_time(0.5,scrape_duration_seconds" + window + ")") * 1000,
                query(port, "max_over_time(scrape_duration_seconds" + window + ")") * 1000
            };
        } finally {
            prometheus.destroy();
            prometheus.waitFor(10, TimeUnit.SECONDS);
            Report.deleteTree(dir);
        }
    }

    private static double query(int port, String query) throws IOException {
        try (Http http = new Http("127.0.0.1", port)) {
            String body = http.exchange("GET", "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8),
                    "", null, true).body();
            Matcher matcher = VALUE.matcher(body);
            return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
        }
    }
}
