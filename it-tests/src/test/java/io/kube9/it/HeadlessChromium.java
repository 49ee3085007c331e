package io.kube9.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * Headless Chromium (Debian's {@code chromium}) with one page, driven over the DevTools protocol.
 *
 * <p>Not {@code --dump-dom}/{@code --screenshot} with {@code --virtual-time-budget}: under
 * virtual time the page's clock runs seconds ahead of the real one, so a page that computes
 * rates from its own polls shows a fraction of the real rate. Here the page runs in real time.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final WebSocket page;
    private final AtomicInteger lastId = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, Path log, String pageWebSocket) {
        this.process = process;
        this.log = log;
        this.page = Scrape.HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(pageWebSocket), new Replies()).join();
    }

    /** Starts Chromium with a new profile in {@code dir} and one blank page of {@code width} x {@code height}. */
    static HeadlessChromium start(Path dir, int width, int height) throws IOException {
        Path profile = JvmProcess.freshDir(dir.resolve("chromium-profile"));
        Path log = dir.resolve("chromium.log");
        Process process = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // Chromium writes the port it picked into the profile: "PORT\n/devtools/browser/ID".
            Path activePort = profile.resolve("DevToolsActivePort");
            Awaitility.await("Chromium's DevTools port (log: " + log + ")").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !process.isAlive() || Files.exists(activePort) && Files.readAllLines(activePort).size() >= 2);
            if (!process.isAlive()) {
                throw new IllegalStateException("chromium exited with " + process.exitValue() + ":\n"
                        + JvmProcess.tail(Files.readString(log)));
            }
            String port = Files.readAllLines(activePort).get(0).trim();
            HttpRequest list = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .timeout(Duration.ofSeconds(10)).build();
            for (JsonNode target : JSON.readTree(Scrape.HTTP.send(list, HttpResponse.BodyHandlers.ofString()).body())) {
                if ("page".equals(target.path("type").asText())) {
                    HeadlessChromium chromium = new HeadlessChromium(process, log, target.get("webSocketDebuggerUrl").asText());
                    // --window-size includes the (invisible) window's frame; this makes the page itself that size.
                    chromium.call("Emulation.setDeviceMetricsOverride",
                            Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
                    return chromium;
                }
            }
            throw new IllegalStateException("Chromium has no page target");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroy(process);
            throw new IllegalStateException(e);
        } catch (RuntimeException | IOException | Error e) {
            destroy(process);
            throw e;
        }
    }

    void navigate(String url) {
        call("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression evaluated in the page (a string, number or boolean). */
    JsonNode evaluate(String expression) {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException(expression + " threw: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** The page as it is rendered now, as PNG. */
    byte[] screenshot() {
        return Base64.getDecoder().decode(call("Page.captureScreenshot", Map.of("format", "png")).get("data").asText());
    }

    private JsonNode call(String method, Map<String, Object> params) {
        int id = lastId.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        page.sendText(message.toString(), true).join();
        try {
            JsonNode answer = reply.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (answer.has("error")) {
                throw new IllegalStateException(method + " failed: " + answer.get("error"));
            }
            return answer.get("result");
        } catch (Exception e) {
            throw new IllegalStateException(method + " got no answer; Chromium log:\n" + logTail(), e);
        } finally {
            pending.remove(id);
        }
    }

    private String logTail() {
        try {
            return JvmProcess.tail(Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    @Override
    public void close() {
        page.abort();
        destroy(process);
    }

    /** The browser and the renderer, GPU and utility processes it started. */
    private static void destroy(Process process) {
        List<ProcessHandle> children = process.descendants().collect(Collectors.toList());
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Collects DevTools messages (a screenshot arrives in many frames) and completes the command they answer. */
    private final class Replies implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode reply = JSON.readTree(message.toString());
                    CompletableFuture<JsonNode> waiting = pending.get(reply.path("id").asInt(-1));
                    if (waiting != null) {
                        waiting.complete(reply);
                    }
                } catch (IOException e) {
                    pending.values().forEach(waiting -> waiting.completeExceptionally(e));
                } finally {
                    message.setLength(0);
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            pending.values().forEach(waiting -> waiting.completeExceptionally(error));
        }
    }
}
