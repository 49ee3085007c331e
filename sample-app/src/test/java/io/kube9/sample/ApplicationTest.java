package io.kube9.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kube9.sample.load.LoadCommand;
import io.kube9.sample.load.LoadGenerator;
import io.kube9.sample.order.OrderEventTypes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplicationTest {

    private static final Pattern SUMMARY_LINE = Pattern.compile("(\\S+) (\\d+)");

    @TempDir
    Path directory;

    private String runLoad(String storeName, int commands, long seed, int threads)
            throws IOException, InterruptedException, UsageException {
        AppOptions options = AppOptions.parse("--port", "0", "--store", directory.resolve(storeName).toString(),
                "--seed", Long.toString(seed), "--threads", Integer.toString(threads));
        try (Application app = Application.start(options)) {
            return app.runLoad(commands);
        }
    }

    private static Map<String, Long> parse(String summary) {
        List<String> lines = summary.lines().toList();
        assertEquals("=== sample-app counts ===", lines.get(0));
        assertEquals("=== end ===", lines.get(lines.size() - 1));
        Map<String, Long> values = new TreeMap<>();
        for (String line : lines.subList(1, lines.size() - 1)) {
            Matcher matcher = SUMMARY_LINE.matcher(line);
            assertTrue(matcher.matches(), line);
            values.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        return values;
    }

    @Test
    void summaryOfASmallRunHasTheTotalsTheGeneratedCommandsImply() throws Exception {
        List<LoadCommand> commands = LoadGenerator.generate(400, 11);
        Map<String, Long> expected = new TreeMap<>();
        long storedEvents = 0;
        long poisonPayments = 0;
        for (LoadCommand command : commands) {
            String storedType = null;
            if (command instanceof LoadCommand.CreateOrder create) {
                storedType = OrderEventTypes.CREATED;
                if (create.firstItemOrNull() != null) {
                    expected.merge(stored(OrderEventTypes.ITEM_ADDED), 1L, Long::sum);
                    storedEvents++;
                }
            } else if (command instanceof LoadCommand.AddItem) {
                storedType = OrderEventTypes.ITEM_ADDED;
            } else if (command instanceof LoadCommand.Pay pay) {
                storedType = OrderEventTypes.PAID;
                if (pay.amountCents() == OrderEventTypes.POISON_PAYMENT_AMOUNT) {
                    poisonPayments++;
                    expected.merge(recorded("assessment", "error"), 1L, Long::sum);
                }
            } else if (command instanceof LoadCommand.Ship) {
                storedType = OrderEventTypes.SHIPPED;
            } else if (command instanceof LoadCommand.Cancel) {
                storedType = OrderEventTypes.CANCELLED;
                expected.merge(recorded("operator", "warning"), 1L, Long::sum);
            } else if (command instanceof LoadCommand.RecordOperationalEvent event) {
                expected.merge(recorded(event.eventType(), event.severity().label()), 1L, Long::sum);
            }
            if (storedType != null) {
                expected.merge(stored(storedType), 1L, Long::sum);
                storedEvents++;
            }
        }
        expected.put("projection_updates{projection=\"OrderSummaryProjection\"}", storedEvents);
        expected.put("projection_errors{projection=\"OrderSummaryProjection\"}", 0L);
        expected.put("projection_updates{projection=\"RevenueProjector\"}", storedEvents - poisonPayments);
        expected.put("projection_errors{projection=\"RevenueProjector\"}", poisonPayments);

        Map<String, Long> actual = parse(runLoad("events.db", 400, 11, 3));
        long payloadBytes = actual.remove("stored_payload_bytes");

        assertEquals(expected, actual);
        assertTrue(poisonPayments > 0, "seed 11 should produce a poison payment");
        assertTrue(payloadBytes > storedEvents * 10, "payload bytes " + payloadBytes);
    }

    @Test
    void countsDoNotDependOnThreadCountOrOnWhatTheStoreAlreadyHolds() throws Exception {
        String oneThread = runLoad("shared.db", 300, 5, 1);
        String fourThreads = runLoad("shared.db", 300, 5, 4);

        assertEquals(oneThread, fourThreads);
    }

    private static String stored(String type) {
        return "stored_events{event_type=\"" + type + "\"}";
    }

    private static String recorded(String type, String severity) {
        return "recorded_events{event_type=\"" + type + "\",severity=\"" + severity + "\"}";
    }

    @Test
    void httpApiRunsTheWholeOrderLifecycle() throws Exception {
        AppOptions options = AppOptions.parse("--port", "0", "--store", directory.resolve("http.db").toString());
        try (Application app = Application.start(options)) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://localhost:" + app.httpPort();

            assertEquals("ok", send(client, "GET", base + "/health", null).body().trim());

            HttpResponse<String> created = send(client, "POST", base + "/orders",
                    "{\"customer\":\"ada\",\"sku\":\"SKU-1\",\"quantity\":2,\"unitPrice\":300}");
            assertEquals(201, created.statusCode());
            String orderId = created.body().replaceAll(".*\"orderId\":\"([^\"]+)\".*\\s*", "$1");
            String order = base + "/orders/" + orderId;

            assertEquals(200, send(client, "POST", order + "/items", "{\"sku\":\"SKU-2\",\"unitPrice\":400}").statusCode());
            assertEquals(409, send(client, "POST", order + "/ship", null).statusCode());
            assertEquals(200, send(client, "POST", order + "/pay", "").statusCode());
            assertEquals(200, send(client, "POST", order + "/ship", "{\"carrier\":\"dhl\"}").statusCode());
            assertEquals(404, send(client, "POST", base + "/orders/unknown/pay", null).statusCode());
            assertEquals(400, send(client, "POST", order + "/items", "{\"sku\":").statusCode());
            assertEquals(405, send(client, "DELETE", order, null).statusCode());

            assertEquals(202, send(client, "POST", base + "/ops-events",
                    "{\"type\":\"cluster\",\"severity\":\"warning\",\"message\":\"node drained\"}").statusCode());
            assertEquals(400, send(client, "POST", base + "/ops-events",
                    "{\"type\":\"weather\",\"severity\":\"warning\"}").statusCode());

            // The read model is asynchronous; once it has caught up the order must be there.
            app.awaitProjectionsCaughtUp();
            HttpResponse<String> summary = send(client, "GET", order, null);
            assertEquals(200, summary.statusCode());
            assertEquals("{\"orderId\":\"" + orderId + "\",\"status\":\"shipped\",\"itemCount\":2,\"total\":1000,\"paid\":1000}",
                    summary.body().trim());

            Map<String, Long> counts = parse(app.countsReport());
            assertEquals(1L, counts.get(recorded("cluster", "warning")));
            assertEquals(1L, counts.get(stored(OrderEventTypes.SHIPPED)));
        }
    }

    private static HttpResponse<String> send(HttpClient client, String method, String uri, String body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri))
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
