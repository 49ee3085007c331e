package io.kube9.agent.metrics;

import com.sun.net.httpserver.HttpsConfigurator;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The agent's HTTP endpoint: {@code /metrics} (text, OpenMetrics or protobuf by content
 * negotiation), {@code /-/healthy} and a status page at {@code /} ({@link StatusPage}), served
 * from the agent's own registry by the agent's own daemon threads, over HTTP or HTTPS and with
 * or without basic auth ({@link ExporterSecurity}).
 */
public final class MetricsExporter implements AutoCloseable {
    private final HTTPServer server;

    private MetricsExporter(HTTPServer server) {
        this.server = server;
    }

    /**
     * @param security basic auth and TLS, as configured; every path (metrics, health) is behind them
     * @throws IOException when the address cannot be bound (busy port, unknown host)
     */
    public static MetricsExporter start(AgentMetrics metrics, String host, int port, ExporterSecurity security,
            ThreadFactory threads) throws IOException {
        ExecutorService executor = new ThreadPoolExecutor(1, 2, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(64), threads, new ThreadPoolExecutor.DiscardOldestPolicy());
        try {
            HTTPServer.Builder builder = HTTPServer.builder(metrics.properties())
                    .hostname(host)
                    .port(port)
                    .registry(metrics.registry())
                    .defaultHandler(new StatusPage())
                    .executorService(executor);
            if (security.authenticator() != null) {
                builder.authenticator(security.authenticator());
            }
            HttpsConfigurator https = security.httpsConfigurator();
            if (https != null) {
                builder.httpsConfigurator(https);
            }
            HTTPServer server = builder.buildAndStart();
            return new MetricsExporter(server);
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
