package io.kube9.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /} on the metrics port: one self-contained HTML page that polls {@code /metrics} and
 * shows events per second by type, the agent's queue, the journal and projection lag. Any other
 * path that is not {@code /metrics} or {@code /-/healthy} is a 404 naming those.
 */
final class StatusPage implements HttpHandler {
    /**
     * The page may run inline script and style and fetch from this origin, nothing else: it
     * renders values taken from the service's events, so no injected markup may load or send
     * anything anywhere.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline';"
            + " style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'";
    private static final byte[] NOT_FOUND = "Not found. The kube9 agent serves /, /metrics and /-/healthy.\n"
            .getBytes(StandardCharsets.UTF_8);

    private final byte[] page;

    StatusPage() {
        try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IllegalStateException("status.html is missing from the agent jar");
            }
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read status.html from the agent jar", e);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        // Not try-with-resources: HttpExchange is not AutoCloseable on Java 11, which the agent supports.
        try {
            exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (!"/".equals(path) && !"/index.html".equals(path)) {
                send(exchange, 404, "text/plain; charset=utf-8", NOT_FOUND, head);
                return;
            }
            exchange.getResponseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            send(exchange, 200, "text/html; charset=utf-8", page, head);
        } finally {
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body, boolean head)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (head) {
            // -1: no body follows; the length a GET would have is still announced
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
