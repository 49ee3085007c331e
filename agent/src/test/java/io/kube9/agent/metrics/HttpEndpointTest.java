package io.kube9.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's HTTP transport, spoken to over raw sockets. */
class HttpEndpointTest {
    private final AtomicInteger served = new AtomicInteger();
    private HttpEndpoint endpoint;

    @BeforeEach
    void start() throws IOException {
        endpoint = HttpEndpoint.start("127.0.0.1", 0, null, request -> {
            served.incrementAndGet();
            String text = request.method + " " + request.path + " " + request.query + " accept=" + request.header("Accept");
            return HttpEndpoint.Response.text(200, text, request.isHead());
        }, task -> {
            Thread thread = new Thread(task, "endpoint-test");
            thread.setDaemon(true);
            return thread;
        });
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void oneKeptAliveConnectionServesRequestAfterRequest() throws IOException {
        try (Socket socket = connect()) {
            for (int i = 0; i < 3; i++) {
                send(socket, "GET /metrics?name[]=x HTTP/1.1\r\nHost: a\r\nAccept: text/plain\r\n\r\n");
                Reply reply = Reply.read(socket.getInputStream());
                assertThat(reply.status).isEqualTo("HTTP/1.1 200 OK");
                assertThat(reply.body).isEqualTo("GET /metrics name[]=x accept=text/plain");
                assertThat(reply.head).doesNotContain("Connection: close");
            }
        }
        assertThat(served).hasValue(3);
    }

    @Test
    void headAnnouncesTheLengthWithoutABody() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n");
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            // what a GET would send: the handler's text, "HEAD / null accept=null"
            assertThat(head).contains("Content-Length: " + "HEAD / null accept=null".length() + "\r\n");
            Reply next = Reply.read(in); // the pipelined request's reply follows at once: no body came between
            assertThat(next.body).startsWith("GET /next");
        }
    }

    @Test
    void http10AndConnectionCloseEndTheConnection() throws IOException {
        for (String request : new String[] {"GET /a HTTP/1.0\r\n\r\n", "GET /a HTTP/1.1\r\nConnection: close\r\n\r\n"}) {
            try (Socket socket = connect()) {
                send(socket, request);
                InputStream in = socket.getInputStream();
                Reply reply = Reply.read(in);
                assertThat(reply.head).contains("Connection: close");
                assertThat(in.read()).as("closed after the reply").isEqualTo(-1);
            }
        }
    }

    @Test
    void aRequestBodyIsSkippedAndTheNextRequestServed() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "GET /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\n\r\n");
            InputStream in = socket.getInputStream();
            assertThat(Reply.read(in).body).startsWith("GET /a ");
            assertThat(Reply.read(in).body).startsWith("GET /b ");
        }
    }

    @Test
    void malformedOrOversizedRequestsAreRefusedNamingTheProblemAndClosed() throws IOException {
        String[][] cases = {
            {"NONSENSE\r\n\r\n", "400", "Bad request line"},
            {"GET / HTTP/1.1\r\nno colon here\r\n\r\n", "400", "Bad header line"},
            {"GET / HTTP/1.1\r\nX: " + "y".repeat(9000) + "\r\n\r\n", "431", "too long"},
            {"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "411", "Chunked"},
            {"GET / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", "413", "too large"},
            {"GET / HTTP/1.1\r\nContent-Length: ten\r\n\r\n", "400", "Content-Length"},
        };
        for (String[] bad : cases) {
            try (Socket socket = connect()) {
                send(socket, bad[0]);
                InputStream in = socket.getInputStream();
                Reply reply = Reply.read(in);
                assertThat(reply.status).as(bad[2]).startsWith("HTTP/1.1 " + bad[1]);
                assertThat(reply.body).contains(bad[2]);
                assertThat(in.read()).isEqualTo(-1);
            }
        }
        assertThat(served).hasValue(0);
    }

    @Test
    void closingTheEndpointClosesKeptAliveConnectionsAndThePort() throws IOException {
        Socket socket = connect();
        send(socket, "GET / HTTP/1.1\r\n\r\n");
        Reply.read(socket.getInputStream());
        int port = endpoint.port();

        endpoint.close();

        assertThat(socket.getInputStream().read()).isEqualTo(-1);
        socket.close();
        try (Socket again = new Socket("127.0.0.1", port)) {
            assertThat(again.isConnected()).as("port %d still accepting", port).isFalse();
        } catch (IOException refused) {
            // expected: nothing listens any more
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", endpoint.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** A response read by its Content-Length. */
    private static final class Reply {
        final String status;
        final String head;
        final String body;

        private Reply(String head, String body) {
            this.status = head.substring(0, head.indexOf("\r\n"));
            this.head = head;
            this.body = body;
        }

        static Reply read(InputStream in) throws IOException {
            String head = readHead(in);
            int at = head.indexOf("Content-Length: ");
            int length = Integer.parseInt(head.substring(at + 16, head.indexOf("\r\n", at)));
            byte[] body = in.readNBytes(length);
            return new Reply(head, new String(body, StandardCharsets.UTF_8));
        }
    }
}
