package io.kube9.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.kube9.agent.config.ConfigLoader;
import io.prometheus.metrics.model.registry.Collector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsExporterTest {
    private static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private AgentMetrics metrics;
    private MetricsExporter exporter;

    @BeforeEach
    void start() throws IOException {
        metrics = new AgentMetrics(2000);
        for (int type = 0; type < 1000; type++) {
            metrics.eventRecorded("type-" + type, type % 2 == 0 ? "info" : "error");
        }
        exporter = MetricsExporter.start(metrics, "127.0.0.1", 0, ExporterSecurity.from(ConfigLoader.load("")), task -> {
            Thread thread = new Thread(task, "exporter-test");
            thread.setDaemon(true);
            return thread;
        }, warnings::add);
    }

    @AfterEach
    void stop() {
        exporter.close();
    }

    @Test
    void underUnsafeDeniedAnAcceptHeaderLosesItsProtobufRangesAndKeepsTheRest() {
        assertThat(MetricsExporter.withoutProtobuf("application/vnd.google.protobuf;proto=io.prometheus.client"
                + ".MetricFamily;encoding=delimited;q=0.6, application/openmetrics-text;version=1.0.0;q=0.5,"
                + "text/plain;version=0.0.4;q=0.2"))
                .isEqualTo("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.2");
        assertThat(MetricsExporter.withoutProtobuf("Application/Vnd.Google.Protobuf")).isEmpty();
        assertThat(MetricsExporter.withoutProtobuf("text/plain")).isEqualTo("text/plain");
    }

    @Test
    void aClientThatTakesGzipGetsTheSameExpositionCompressed() throws Exception {
        HttpResponse<byte[]> plain = get("GET", null, OPEN_METRICS);
        HttpResponse<byte[]> compressed = get("GET", "gzip", OPEN_METRICS);
        HttpResponse<byte[]> listed = get("GET", "deflate, GZIP , br", OPEN_METRICS);

        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(compressed.statusCode()).isEqualTo(200);
        assertThat(compressed.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(compressed.headers().firstValue("Content-Type")).hasValue(OPEN_METRICS);
        for (HttpResponse<byte[]> answer : List.of(plain, compressed, listed)) {
            assertThat(answer.headers().allValues("Vary")).containsExactly("Accept, Accept-Encoding");
        }
        assertThat(compressed.body().length).isLessThan(plain.body().length / 5);
        String text = gunzip(compressed.body());
        assertThat(text).isEqualTo(new String(plain.body(), StandardCharsets.UTF_8))
                .contains("kube9_events_total{event_type=\"type-999\",severity=\"error\"} 1.0\n").endsWith("# EOF\n");
        assertThat(listed.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gunzip(listed.body())).isEqualTo(text);
    }

    @Test
    void headSaysGzipWithoutALengthAndOtherEncodingsGetPlainText() throws Exception {
        HttpResponse<byte[]> head = get("HEAD", "gzip", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(head.headers().firstValue("Content-Length")).isEmpty();
        assertThat(head.body()).isEmpty();

        HttpResponse<byte[]> other = get("GET", "br, deflate", null);
        assertThat(other.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(other.body(), StandardCharsets.UTF_8)).contains("# TYPE kube9_events_total counter\n");
    }

    @Test
    void theDebugViewIsNeverCompressed() throws Exception {
        HttpResponse<byte[]> debug = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + exporter.port() + "/metrics?debug=text"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(debug.statusCode()).isEqualTo(200);
        assertThat(debug.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(debug.body(), StandardCharsets.UTF_8)).contains("kube9_events_total{");
    }

    @Test
    void anotherMethodIs405WithALengthAndTheConnectionServesOn() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", exporter.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"
                    + "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /-/healthy HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 2; i++) {
                String head = head(in);
                assertThat(head).startsWith("HTTP/1.1 405 Method Not Allowed\r\n").contains("\r\nAllow: GET, HEAD\r\n");
                int length = Integer.parseInt(head.replaceAll("(?s).*\r\nContent-Length: (\\d+)\r\n.*", "$1"));
                assertThat(new String(in.readNBytes(length), StandardCharsets.UTF_8))
                        .isEqualTo("Method not allowed: the kube9 agent answers GET and HEAD.\n");
            }
            // the next reply's status line follows the 405s' bodies: a client that reads by length is not left waiting
            assertThat(head(in)).startsWith("HTTP/1.1 200 OK\r\n");
        }
    }

    @Test
    void aQueryWithABrokenEscapeIs400NotAFailedScrape() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", exporter.port())) { // java.net.URI refuses these
            socket.setSoTimeout(5_000);
            InputStream in = socket.getInputStream();
            for (String query : new String[] {"name[]=%ZZ", "name[]=kube9_agent_info%", "name%5B%5D=%4"}) {
                socket.getOutputStream().write(("GET /metrics?" + query + " HTTP/1.1\r\nHost: a\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                String head = head(in);
                assertThat(head).as(query).startsWith("HTTP/1.1 400 Bad Request\r\n");
                int length = Integer.parseInt(head.replaceAll("(?s).*\r\nContent-Length: (\\d+)\r\n.*", "$1"));
                assertThat(new String(in.readNBytes(length), StandardCharsets.UTF_8))
                        .isEqualTo("Bad query string: '%' must be followed by two hexadecimal digits.\n");
            }
        }
        HttpResponse<String> filtered = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + exporter.port() + "/metrics?name%5B%5D=kube9_events_total")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(filtered.statusCode()).isEqualTo(200);
        assertThat(filtered.body()).startsWith("# HELP kube9_events_total ").doesNotContain("# TYPE kube9_events_dropped");
    }

    @Test
    void aDebugValueTheEndpointDoesNotTakeIs400WithoutRepeatingIt() throws Exception {
        // client_java answered 500 with a text that repeated the client's value: a client's mistake
        // counted as a failed scrape, and its input echoed back
        for (String value : new String[] {"%3Cscript%3Ealert(1)%3C%2Fscript%3E", "foo", ""}) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + exporter.port() + "/metrics?debug=" + value)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(value).isEqualTo(400);
            assertThat(response.body()).as(value).isEqualTo("Bad query string: a parameter value the endpoint does"
                    + " not take (debug= takes text, openmetrics or prometheus-protobuf).\n");
        }
        assertThat(warnings).isEmpty();
    }

    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void aFailedScrapeAnswers500WithoutTheExceptionsTextAndTheLogSaysItOnceUntilItRecovers() throws Exception {
        Collector broken = () -> {
            throw new IllegalStateException("cannot read /srv/secret/orders.db for tenant acme");
        };
        metrics.registry().register(broken);

        HttpResponse<byte[]> first = get("GET", "gzip", OPEN_METRICS);
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + exporter.port() + "/-/healthy")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<byte[]> second = get("GET", null, null);
        HttpResponse<byte[]> head = get("HEAD", null, null);

        for (HttpResponse<byte[]> failed : List.of(first, second)) {
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(new String(failed.body(), StandardCharsets.UTF_8)).isEqualTo(MetricsExporter.SCRAPE_FAILED);
        }
        assertThat(head.statusCode()).isEqualTo(500);
        assertThat(head.body()).isEmpty();
        assertThat(health.statusCode()).isEqualTo(200); // answered between the failures: they are not news again
        assertThat(warnings).singleElement().asString()
                .contains("scrapes of /metrics failed, answered 500")
                .contains("IllegalStateException: cannot read /srv/secret/orders.db for tenant acme");

        metrics.registry().unregister(broken);
        HttpResponse<byte[]> recovered = get("GET", null, null);
        assertThat(recovered.statusCode()).isEqualTo(200);
        assertThat(new String(recovered.body(), StandardCharsets.UTF_8)).contains("kube9_events_total{");
        assertThat(warnings).hasSize(2).last().asString().contains("scrapes are answered again");

        metrics.registry().register(broken);
        assertThat(get("GET", null, null).statusCode()).isEqualTo(500);
        assertThat(warnings).hasSize(3).last().asString().contains("scrapes of /metrics failed");
    }

    private HttpResponse<byte[]> get(String method, String acceptEncoding, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String gunzip(byte[] body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
