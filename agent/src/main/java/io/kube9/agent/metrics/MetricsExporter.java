package io.kube9.agent.metrics;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The agent's HTTP endpoint: {@code /metrics} (text, OpenMetrics or protobuf by content
 * negotiation and {@code name[]} filters: client_java's own scrape handler; gzip when asked),
 * {@code /-/healthy} and a status page at {@code /} ({@link StatusPage}), served from the
 * agent's own registry by the agent's own daemon threads ({@link HttpEndpoint}), over HTTP or
 * HTTPS and with or without basic auth ({@link ExporterSecurity}) on every path.
 *
 * <p>A request that fails inside the agent (a collector that throws, a bug of ours) is answered
 * with a 500 that says only that: the exception's text can carry paths, hosts or a user's label
 * values, and the endpoint may face more of the network than the service's log does. The text
 * goes to the agent's log instead, once when answers start failing and once when they recover,
 * so a scrape every second cannot flood it.
 */
public final class MetricsExporter implements AutoCloseable {
    private static final String HEALTHY = "Exporter is healthy.\n";
    private static final String BAD_ESCAPE = "Bad query string: '%' must be followed by two hexadecimal digits.\n";
    private static final String BAD_PARAMETER = "Bad query string: a parameter value the endpoint does not take"
            + " (debug= takes text, openmetrics or prometheus-protobuf).\n";
    private static final String NOT_ALLOWED = "Method not allowed: the kube9 agent answers GET and HEAD.\n";
    static final String SCRAPE_FAILED = "kube9 agent: the scrape failed; the agent's log says why.\n";
    static final String FAILED = "kube9 agent: the request failed; the agent's log says why.\n";

    /**
     * {@code --sun-misc-unsafe-memory-access=deny} (JDK 23 and later): the protobuf that client_java
     * carries finds {@code sun.misc.Unsafe} refused and says so through {@code java.util.logging},
     * which starts the JVM's log manager before a service that names its own (README,
     * "Isolation"). There, a scrape that asks for protobuf is answered in the text format it
     * accepts as well; Prometheus asks for protobuf only for native histograms, which the agent
     * has none of.
     */
    static final boolean UNSAFE_DENIED = "deny".equals(System.getProperty("sun.misc.unsafe.memory.access"));

    private final HttpEndpoint endpoint;

    private MetricsExporter(HttpEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * @param security basic auth and TLS, as configured; every path (metrics, health) is behind them
     * @param warn the agent's log, for requests that fail inside the agent
     * @throws IOException when the address cannot be bound (busy port, unknown host)
     */
    public static MetricsExporter start(AgentMetrics metrics, String host, int port, ExporterSecurity security,
            ThreadFactory threads, Consumer<String> warn) throws IOException {
        PrometheusScrapeHandler scrapes = new PrometheusScrapeHandler(metrics.properties(), metrics.registry());
        StatusPage statusPage = new StatusPage();
        PasswordAuthenticator authenticator = security.authenticator();
        Failures failures = new Failures(warn);
        return new MetricsExporter(HttpEndpoint.start(host, port, security.tls(), request -> {
            try {
                HttpEndpoint.Response response = answer(request, authenticator, scrapes, statusPage);
                failures.answered(request.path);
                return response;
            } catch (RuntimeException e) {
                failures.failed(request.path, e);
                return HttpEndpoint.Response.text(500, "/metrics".equals(request.path) ? SCRAPE_FAILED : FAILED,
                        request.isHead());
            }
        }, threads));
    }

    private static HttpEndpoint.Response answer(HttpEndpoint.Request request, PasswordAuthenticator authenticator,
            PrometheusScrapeHandler scrapes, StatusPage statusPage) {
        if (authenticator != null && !authenticator.accepts(request.header("Authorization"))) {
            return HttpEndpoint.Response.text(401, "Unauthorized\n", request.isHead())
                    .header("WWW-Authenticate", authenticator.challenge());
        }
        if (!"GET".equals(request.method) && !request.isHead()) {
            return HttpEndpoint.Response.text(405, NOT_ALLOWED, false).header("Allow", "GET, HEAD");
        }
        switch (request.path) {
            case "/metrics":
                return scrape(scrapes, request);
            case "/-/healthy":
                return HttpEndpoint.Response.text(200, HEALTHY, request.isHead());
            default:
                return statusPage.handle(request);
        }
    }

    private static HttpEndpoint.Response scrape(PrometheusScrapeHandler scrapes, HttpEndpoint.Request request) {
        if (request.query != null && !escapesAreWhole(request.query)) {
            // the handler's URLDecoder would throw, and the client see a failed scrape (500)
            return HttpEndpoint.Response.text(400, BAD_ESCAPE, request.isHead());
        }
        ScrapeExchange exchange = new ScrapeExchange(request);
        try {
            scrapes.handleRequest(exchange);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writes go to memory: not expected
        }
        if (exchange.failure != null) { // client_java caught it to answer a 500 with its text: ours says less
            throw exchange.failure;
        }
        if (exchange.status >= 500) {
            // client_java's own answer to a parameter it does not take (?debug=foo): the client's
            // mistake, not a failed scrape for 5xx alerts, and its text repeated the client's input
            return HttpEndpoint.Response.text(400, BAD_PARAMETER, request.isHead());
        }
        return exchange.response();
    }

    /** An {@code Accept} header without its protobuf media ranges (see {@link #UNSAFE_DENIED}). */
    static String withoutProtobuf(String accept) {
        StringBuilder kept = new StringBuilder();
        for (String range : accept.split(",")) {
            if (!range.toLowerCase(Locale.ROOT).contains("application/vnd.google.protobuf")) {
                kept.append(kept.length() == 0 ? "" : ",").append(range.trim());
            }
        }
        return kept.toString();
    }

    /** Whether every {@code %} is followed by two hex digits, as {@code URLDecoder} requires. */
    private static boolean escapesAreWhole(String query) {
        for (int i = query.indexOf('%'); i >= 0; i = query.indexOf('%', i + 3)) {
            if (i + 2 >= query.length() || Character.digit(query.charAt(i + 1), 16) < 0
                    || Character.digit(query.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    public int port() {
        return endpoint.port();
    }

    @Override
    public void close() {
        endpoint.close();
    }

    /**
     * Says in the agent's log when answers start failing (with the first failure's text) and when
     * they recover; not every failure, as the endpoint may be asked once a second. Scrapes and the
     * other paths apart, so that a health check answered between two failed scrapes does not make
     * each of them news.
     */
    private static final class Failures {
        private final Consumer<String> warn;
        private final AtomicBoolean scrapesFailing = new AtomicBoolean();
        private final AtomicBoolean othersFailing = new AtomicBoolean();

        Failures(Consumer<String> warn) {
            this.warn = warn;
        }

        void failed(String path, RuntimeException e) {
            if (state(path).compareAndSet(false, true)) {
                warn.accept("metrics endpoint: " + (isScrape(path) ? "scrapes of " + path : "a request for " + path)
                        + " failed, answered 500 (said once until it recovers): " + e);
            }
        }

        void answered(String path) {
            AtomicBoolean failing = state(path);
            if (failing.get() && failing.compareAndSet(true, false)) {
                warn.accept("metrics endpoint: " + (isScrape(path) ? "scrapes" : "requests other than scrapes")
                        + " are answered again");
            }
        }

        private AtomicBoolean state(String path) {
            return isScrape(path) ? scrapesFailing : othersFailing;
        }

        private static boolean isScrape(String path) {
            return "/metrics".equals(path);
        }
    }

    /**
     * client_java's scrape handler, answering into a buffer that the endpoint writes whole.
     *
     * <p>The handler does not see {@code Accept-Encoding}: we compress its answer ourselves, at
     * the fastest level. Its own {@code GZIPOutputStream} works at the default level, which for
     * 5,000 series (357 KB of text) took ~2 ms against ~0.6 ms, for a body 5% larger (15.0 KB
     * against 15.7 KB; BENCHMARKS.md).
     */
    private static final class ScrapeExchange implements PrometheusHttpExchange, PrometheusHttpRequest,
            PrometheusHttpResponse {
        private final HttpEndpoint.Request request;
        private final boolean gzip;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
        private int status = 500;
        private boolean withBody;
        RuntimeException failure;

        ScrapeExchange(HttpEndpoint.Request request) {
            this.request = request;
            this.gzip = acceptsGzip(request) && (request.query == null || !request.query.contains("debug="));
        }

        /** As client_java decides it: a comma-separated {@code gzip} in any {@code Accept-Encoding}. */
        private static boolean acceptsGzip(HttpEndpoint.Request request) {
            for (String header : request.headers("Accept-Encoding")) {
                for (String coding : header.split(",")) {
                    if (coding.trim().equalsIgnoreCase("gzip")) {
                        return true;
                    }
                }
            }
            return false;
        }

        HttpEndpoint.Response response() {
            HttpEndpoint.Response response = new HttpEndpoint.Response(status);
            response.headers.putAll(headers);
            // The format follows Accept and the coding Accept-Encoding: a cache between us and
            // the scraper must not hand one client's answer to another.
            response.header("Vary", "Accept, Accept-Encoding");
            boolean compressed = gzip && status == 200;
            if (compressed) {
                response.headers.remove("Content-Length"); // a HEAD cannot know the compressed length
                response.header("Content-Encoding", "gzip");
            }
            if (withBody) {
                response.body = compressed ? gzipFast(body) : body.toByteArray();
            } else if (!compressed && headers.containsKey("Content-Length")) {
                response.announcedLength = Long.parseLong(headers.get("Content-Length"));
            }
            return response;
        }

        private static byte[] gzipFast(ByteArrayOutputStream plain) {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream(Math.max(512, plain.size() / 16));
            try (GZIPOutputStream out = new GZIPOutputStream(compressed, 8192) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            }) {
                plain.writeTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // writes go to memory: not expected
            }
            return compressed.toByteArray();
        }

        @Override
        public PrometheusHttpRequest getRequest() {
            return this;
        }

        @Override
        public PrometheusHttpResponse getResponse() {
            return this;
        }

        @Override
        public void handleException(IOException e) throws IOException {
            throw e;
        }

        @Override
        public void handleException(RuntimeException e) {
            failure = e;
        }

        @Override
        public void close() {
            // the endpoint writes the response
        }

        @Override
        public String getQueryString() {
            return request.query;
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if ("Accept-Encoding".equalsIgnoreCase(name)) {
                return Collections.emptyEnumeration(); // see the class comment
            }
            if (UNSAFE_DENIED && "Accept".equalsIgnoreCase(name)) {
                List<String> accepted = new ArrayList<>();
                for (String header : request.headers(name)) {
                    accepted.add(withoutProtobuf(header));
                }
                return Collections.enumeration(accepted);
            }
            return Collections.enumeration(request.headers(name));
        }

        @Override
        public String getMethod() {
            return request.method;
        }

        @Override
        public String getRequestPath() {
            return request.path;
        }

        @Override
        public void setHeader(String name, String value) {
            headers.put(name, value);
        }

        /** @param contentLength -1: no body (HEAD); 0: length unknown (gzip); else the length */
        @Override
        public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
            status = statusCode;
            withBody = contentLength >= 0;
            return body;
        }
    }
}
