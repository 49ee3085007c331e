package io.kube9.sample.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kube9.sample.json.Json;
import io.kube9.sample.ops.OperationalEvent;
import io.kube9.sample.ops.OperationalEventRecorder;
import io.kube9.sample.ops.Severity;
import io.kube9.sample.order.LineItem;
import io.kube9.sample.order.OrderService;
import io.kube9.sample.order.OrderStateException;
import io.kube9.sample.order.UnknownOrderException;
import io.kube9.sample.projection.OrderSummary;
import io.kube9.sample.projection.OrderSummaryProjection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP API, on the JDK's built-in server:
 *
 * <pre>
 * POST /orders                 {"customer":"ada","sku":"SKU-1","quantity":2,"unitPrice":1299}  (all optional)
 * POST /orders/{id}/items      {"sku":"SKU-1","quantity":1,"unitPrice":1299}
 * POST /orders/{id}/pay        {"amount":2598}  (optional: defaults to the order total)
 * POST /orders/{id}/ship       {"carrier":"dhl"}  (optional)
 * POST /orders/{id}/cancel     {"reason":"..."}  (optional)
 * GET  /orders/{id}            the projected summary; 404 until the projection has seen the order
 * POST /ops-events             {"type":"cluster","severity":"warning","message":"..."}
 * GET  /health                 ok
 * </pre>
 *
 * Amounts and prices are integers in cents.
 */
public final class HttpApi implements AutoCloseable {

    private static final Pattern ORDER_PATH = Pattern.compile("/orders/([^/]+)");
    private static final Pattern ORDER_COMMAND_PATH = Pattern.compile("/orders/([^/]+)/(items|pay|ship|cancel)");
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int HANDLER_THREADS = 4;
    private static final long HANDLER_DRAIN_SECONDS = 2;

    private final OrderService orderService;
    private final OrderSummaryProjection orderSummaries;
    private final OperationalEventRecorder recorder;
    private final HttpServer server;
    private final ExecutorService handlerThreads;

    private HttpApi(OrderService orderService, OrderSummaryProjection orderSummaries,
            OperationalEventRecorder recorder, HttpServer server, ExecutorService handlerThreads) {
        this.orderService = orderService;
        this.orderSummaries = orderSummaries;
        this.recorder = recorder;
        this.server = server;
        this.handlerThreads = handlerThreads;
    }

    /** Starts serving on {@code port} on all interfaces; port 0 picks a free port. */
    public static HttpApi start(int port, OrderService orderService, OrderSummaryProjection orderSummaries,
            OperationalEventRecorder recorder) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService handlerThreads = Executors.newFixedThreadPool(HANDLER_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "http-handler-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        HttpApi api = new HttpApi(orderService, orderSummaries, recorder, server, handlerThreads);
        server.createContext("/", api::handle);
        server.setExecutor(handlerThreads);
        server.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            try {
                response = route(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange);
            } catch (UnknownOrderException e) {
                response = Response.error(404, e.getMessage());
            } catch (OrderStateException e) {
                response = Response.error(409, e.getMessage());
            } catch (IllegalArgumentException e) {
                response = Response.error(400, e.getMessage());
            } catch (RuntimeException e) {
                response = Response.error(500, "internal error: " + e.getMessage());
            }
            send(exchange, response);
        }
    }

    private Response route(String method, String path, HttpExchange exchange) throws IOException {
        if (path.equals("/health")) {
            return "GET".equals(method) ? Response.text(200, "ok") : Response.methodNotAllowed("GET");
        }
        if (path.equals("/orders")) {
            return "POST".equals(method) ? createOrder(readJson(exchange)) : Response.methodNotAllowed("POST");
        }
        if (path.equals("/ops-events")) {
            return "POST".equals(method) ? recordOperationalEvent(readJson(exchange)) : Response.methodNotAllowed("POST");
        }
        Matcher command = ORDER_COMMAND_PATH.matcher(path);
        if (command.matches()) {
            if (!"POST".equals(method)) {
                return Response.methodNotAllowed("POST");
            }
            return orderCommand(command.group(1), command.group(2), readJson(exchange));
        }
        Matcher order = ORDER_PATH.matcher(path);
        if (order.matches()) {
            return "GET".equals(method) ? orderSummary(order.group(1)) : Response.methodNotAllowed("GET");
        }
        return Response.error(404, "no such resource: " + path);
    }

    private Response createOrder(Json.JsonObject body) {
        String customer = body.string("customer").orElse("anonymous");
        LineItem firstItem = body.has("sku") ? lineItem(body) : null;
        String orderId = orderService.createOrder(customer, firstItem);
        return Response.json(201, Json.object().field("orderId", orderId).toString())
                .withLocation("/orders/" + orderId);
    }

    private Response orderCommand(String orderId, String command, Json.JsonObject body) {
        switch (command) {
            case "items" -> orderService.addItem(orderId, lineItem(body));
            case "pay" -> {
                if (body.has("amount")) {
                    orderService.pay(orderId, body.integer("amount").orElseThrow());
                } else {
                    orderService.pay(orderId);
                }
            }
            case "ship" -> orderService.ship(orderId, body.string("carrier").orElse("unspecified"));
            case "cancel" -> orderService.cancel(orderId, body.string("reason").orElse(null));
            default -> throw new IllegalArgumentException("unknown order command " + command);
        }
        return Response.json(200, Json.object().field("orderId", orderId).field("accepted", command).toString());
    }

    private static LineItem lineItem(Json.JsonObject body) {
        String sku = body.string("sku").orElseThrow(() -> new IllegalArgumentException("field 'sku' is required"));
        long quantity = body.integer("quantity").orElse(1L);
        if (quantity > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("quantity is too large: " + quantity);
        }
        long unitPrice = body.integer("unitPrice")
                .orElseThrow(() -> new IllegalArgumentException("field 'unitPrice' (in cents) is required"));
        return new LineItem(sku, (int) quantity, unitPrice);
    }

    private Response orderSummary(String orderId) {
        // The read model is updated asynchronously, so a just-created order may not be here yet.
        return orderSummaries.find(orderId)
                .map(summary -> Response.json(200, toJson(summary)))
                .orElseGet(() -> Response.error(404, "order " + orderId + " not projected (yet)"));
    }

    private static String toJson(OrderSummary summary) {
        return Json.object()
                .field("orderId", summary.orderId())
                .field("status", summary.status())
                .field("itemCount", summary.itemCount())
                .field("total", summary.totalCents())
                .field("paid", summary.paidCents())
                .toString();
    }

    private Response recordOperationalEvent(Json.JsonObject body) {
        String type = body.string("type").orElseThrow(() -> new IllegalArgumentException("field 'type' is required"));
        Severity severity = Severity.fromLabel(body.string("severity").orElse("info"));
        String message = body.string("message").orElse("");
        recorder.recordEvent(new OperationalEvent(type, severity, message, Instant.now()));
        return Response.json(202, Json.object().field("recorded", type).toString());
    }

    private static Json.JsonObject readJson(HttpExchange exchange) throws IOException {
        try (InputStream body = exchange.getRequestBody()) {
            byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new IllegalArgumentException("request body larger than " + MAX_BODY_BYTES + " bytes");
            }
            return Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        if (response.location() != null) {
            exchange.getResponseHeaders().set("Location", response.location());
        }
        if (response.allow() != null) {
            exchange.getResponseHeaders().set("Allow", response.allow());
        }
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Stops accepting requests and waits briefly for handlers still running, so that none of them
     * is cut off half-way through a command when the store closes next.
     */
    @Override
    public void close() {
        // No grace period here: JDK 17's stop(n) waits the full n seconds even when idle.
        server.stop(0);
        handlerThreads.shutdown();
        try {
            if (!handlerThreads.awaitTermination(HANDLER_DRAIN_SECONDS, TimeUnit.SECONDS)) {
                handlerThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Response(int status, String contentType, String body, String location, String allow) {

        static Response text(int status, String body) {
            return new Response(status, "text/plain; charset=utf-8", body + "\n", null, null);
        }

        static Response json(int status, String body) {
            return new Response(status, "application/json", body + "\n", null, null);
        }

        static Response error(int status, String message) {
            return json(status, Json.object().field("error", message).toString());
        }

        static Response methodNotAllowed(String allowed) {
            Response error = error(405, "method not allowed; use " + allowed);
            return new Response(error.status, error.contentType, error.body, null, allowed);
        }

        Response withLocation(String path) {
            return new Response(status, contentType, body, path, allow);
        }
    }
}
