package io.kube9.agent.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /} on the metrics port: one self-contained HTML page that polls {@code /metrics} and
 * shows events per second by type, the agent's queue, the journal and projection lag. Any other
 * path that is not {@code /metrics} or {@code /-/healthy} is a 404 naming those.
 */
final class StatusPage {
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

    /** The page at {@code /} (and {@code /index.html}); a 404 naming the paths for anything else. */
    HttpEndpoint.Response handle(HttpEndpoint.Request request) {
        boolean head = request.isHead();
        if (!"/".equals(request.path) && !"/index.html".equals(request.path)) {
            return HttpEndpoint.Response.of(404, "text/plain; charset=utf-8", NOT_FOUND, head);
        }
        return HttpEndpoint.Response.of(200, "text/html; charset=utf-8", page, head)
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-cache");
    }
}
