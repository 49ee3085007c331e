package io.kube9.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The agent's HTTP transport, spoken to over raw sockets. */
class HttpEndpointTest {
    private final AtomicInteger served = new AtomicInteger();
    private HttpEndpoint endpoint;

    private static final ThreadFactory THREADS = task -> {
        Thread thread = new Thread(task, "endpoint-test");
        thread.setDaemon(true);
        return thread;
    };

    @BeforeEach
    void start() throws IOException {
        endpoint = HttpEndpoint.start("127.0.0.1", 0, null, this::echo, THREADS);
    }

    private HttpEndpoint.Response echo(HttpEndpoint.Request request) {
        served.incrementAndGet();
        String text = request.method + " " + request.path + " " + request.query + " accept=" + request.header("Accept");
        return HttpEndpoint.Response.text(200, text, request.isHead());
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
    void aHandlerThatThrowsGets500WithoutItsTextAndTheConnectionServesOn() throws IOException {
        HttpEndpoint throwing = HttpEndpoint.start("127.0.0.1", 0, null, request -> {
            if (request.path.equals("/boom")) {
                throw new IllegalStateException("password=hunter2 in /etc/kube9/secret");
            }
            return echo(request);
        }, THREADS);
        try (Socket socket = connect(throwing)) {
            send(socket, "GET /boom HTTP/1.1\r\nHost: a\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n");
            Reply failed = Reply.read(socket.getInputStream());
            Reply after = Reply.read(socket.getInputStream());

            assertThat(failed.status).isEqualTo("HTTP/1.1 500 Internal Server Error");
            assertThat(failed.body).isEqualTo("kube9 agent: the request failed.\n");
            assertThat(failed.head).doesNotContain("hunter2");
            assertThat(after.status).isEqualTo("HTTP/1.1 200 OK");
            assertThat(after.body).startsWith("GET /after ");
        } finally {
            throwing.close();
        }
    }

    @Test
    void everyAnswerIsDatedInTheFormHttpRequires() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\nHEAD / HTTP/1.1\r\n\r\nBAD\r\n\r\n");
            InputStream in = socket.getInputStream();
            String[] heads = {Reply.read(in).head, readHead(in), Reply.read(in).head};
            for (String head : heads) {
                String date = head.replaceAll("(?s).*\r\nDate: ([^\r]*)\r\n.*", "$1");
                assertThat(date).as(head).matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d "
                        + "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d\\d:\\d\\d:\\d\\d GMT");
                Instant sent = DateTimeFormatter.RFC_1123_DATE_TIME.parse(date, Instant::from);
                assertThat(Duration.between(sent, Instant.now()).abs()).isLessThan(Duration.ofSeconds(5));
            }
        }
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
            {"GET / HTTP/1.1\r\nContent-Length: +0\r\n\r\n", "400", "Content-Length"},
            // two lengths: which one ends the body decides where the next request starts
            {"GET / HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n", "400", "Content-Length"},
            {"GET / HTTP/1.1\r\nContent-Length: 0, 5\r\n\r\n", "400", "Content-Length"},
            {"GET / HTTP/1.1x\r\n\r\n", "400", "Bad request line"},
            {"GET /\u0000 HTTP/1.1\r\n\r\n", "400", "Bad request line"},
            {"G\u00c9T / HTTP/1.1\r\n\r\n", "400", "Bad request line"},
            {"GET / HTTP/2.0\r\n\r\n", "505", "HTTP/1.1"},
            {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", "400", "Bad header line"},
            {"GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", "400", "Bad header line"},
            {"GET / HTTP/1.1\r\nHost: x\rX: y\r\n\r\n", "400", "Bad header line"}, // a bare CR in a value
            {"GET / HTTP/1.1\r\nHost: x\u0000y\r\n\r\n", "400", "Bad header line"},
            {"GET / HTTP/1.1\r\n" + ("X: " + "y".repeat(8000) + "\r\n").repeat(9) + "\r\n", "431", "64 KB"},
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
    void aClientThatExpectsToBeToldToSendItsBodyIsTold() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "GET /a HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            InputStream in = socket.getInputStream();
            assertThat(readHead(in)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            send(socket, "hello");
            assertThat(Reply.read(in).body).startsWith("GET /a ");
        }
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

    // ---- the connection limit and the time limits ------------------------------------------------

    @Test
    void aScrapeIsServedWhileIdleConnectionsTakeEveryPlace() throws IOException {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < HttpEndpoint.MAX_CONNECTIONS; i++) {
                idle.add(connect()); // accepted in this order, so the first has waited longest
            }

            try (Socket scrape = connect()) {
                send(scrape, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(Reply.read(scrape.getInputStream()).status).isEqualTo("HTTP/1.1 200 OK");
            }

            assertThat(idle.get(0).getInputStream().read()).as("the longest idle, closed to make room").isEqualTo(-1);
            for (Socket other : idle.subList(1, idle.size())) {
                send(other, "GET /still-open HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(Reply.read(other.getInputStream()).body).startsWith("GET /still-open ");
            }
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void aKeptAliveScraperKeepsItsConnectionWhenANewcomerNeedsAPlace() throws IOException {
        List<Socket> idle = new ArrayList<>();
        try (Socket scraper = connect()) {
            scrape(scraper);
            for (int i = 1; i < HttpEndpoint.MAX_CONNECTIONS; i++) {
                idle.add(connect());
            }
            // Answered only once the acceptor has taken every connection made before it (it takes
            // them in order): a loaded machine's acceptor could otherwise take some after the
            // scraper's next request, and they would then be the newer ones.
            scrape(idle.get(idle.size() - 1));
            scrape(scraper); // now the idle ones have waited longer than the scraper

            try (Socket newcomer = connect()) {
                scrape(newcomer);
            }

            scrape(scraper);
            assertThat(idle.get(0).getInputStream().read()).as("the longest idle, closed to make room").isEqualTo(-1);
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
        assertThat(served).hasValue(5);
    }

    @Test
    void aKeptAliveScraperOutlastsConnectionsThatNeverSentARequest() throws IOException {
        // Scrapes come every 15-60 s and a silent connection is closed at 5 s: the scraper's
        // connection is usually older than any silent one, and by age alone it went first.
        List<Socket> silent = new ArrayList<>();
        try (Socket scraper = connect()) {
            scrape(scraper);
            for (int i = 1; i < HttpEndpoint.MAX_CONNECTIONS; i++) {
                silent.add(connect());
            }

            try (Socket newcomer = connect()) {
                scrape(newcomer);
            }

            scrape(scraper);
            assertThat(silent.get(0).getInputStream().read()).as("the oldest that never sent a request, closed")
                    .isEqualTo(-1);
        } finally {
            for (Socket socket : silent) {
                socket.close();
            }
        }
        assertThat(served).hasValue(3);
    }

    @Test
    void aConnectionInTheMiddleOfARequestIsNeverClosedToMakeRoom() throws Exception {
        CountDownLatch handling = new CountDownLatch(HttpEndpoint.MAX_CONNECTIONS);
        CountDownLatch release = new CountDownLatch(1);
        HttpEndpoint slow = HttpEndpoint.start("127.0.0.1", 0, null, request -> {
            if (request.path.equals("/slow")) {
                handling.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return HttpEndpoint.Response.text(200, "done " + request.path, false);
        }, THREADS);
        List<Socket> busy = new ArrayList<>();
        try {
            for (int i = 0; i < HttpEndpoint.MAX_CONNECTIONS; i++) {
                Socket socket = connect(slow);
                busy.add(socket);
                send(socket, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            }
            assertThat(handling.await(10, TimeUnit.SECONDS)).as("every connection's request being handled").isTrue();

            try (Socket refused = connect(slow)) {
                assertThat(refused.getInputStream().read()).as("closed at once, no place free").isEqualTo(-1);
            }

            release.countDown();
            for (Socket socket : busy) {
                assertThat(Reply.read(socket.getInputStream()).body).isEqualTo("done /slow");
            }
            try (Socket later = connect(slow)) {
                send(later, "GET /later HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(Reply.read(later.getInputStream()).body).isEqualTo("done /later");
            }
        } finally {
            release.countDown();
            for (Socket socket : busy) {
                socket.close();
            }
            slow.close();
        }
    }

    @Test
    void clientsThatEachSendOneByteAndStopDoNotKeepAScrapeOut() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < HttpEndpoint.MAX_CONNECTIONS; i++) {
                Socket socket = connect();
                slow.add(socket);
                send(socket, "G"); // in the middle of a request, for up to its 5 s, then again on a new connection
            }
            Thread.sleep(500); // every byte read: each connection is reading a request, none is waiting for one

            try (Socket scrape = connect()) {
                scrape(scrape);
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void clientsThatStopReadingTheirAnswersKeepAScrapeOutForASecondAtMost() throws Exception {
        byte[] large = new byte[16 << 20]; // far more than both ends' buffers: the write blocks
        CountDownLatch writing = new CountDownLatch(HttpEndpoint.MAX_CONNECTIONS);
        HttpEndpoint pages = HttpEndpoint.start("127.0.0.1", 0, null, request -> {
            if (request.path.equals("/large")) {
                writing.countDown();
                return HttpEndpoint.Response.of(200, "text/plain", large, request.isHead());
            }
            return echo(request);
        }, THREADS);
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < HttpEndpoint.MAX_CONNECTIONS; i++) {
                Socket socket = connect(pages, null);
                stalled.add(socket);
                send(socket, "GET /large HTTP/1.1\r\nHost: a\r\n\r\n"); // and never read: held for the 30 s write limit
            }
            assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(HttpEndpoint.STALLED_MILLIS + 300);

            try (Socket scrape = connect(pages)) {
                scrape(scrape);
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
            pages.close();
        }
    }

    @Test
    void aTlsHandshakeThatTricklesInIsClosedAfterItsDeadline(@TempDir Path dir) throws Exception {
        TestCertificates certificates = TestCertificates.generate(dir, "ec", "EC");
        SSLContext server = TlsCredentials.fromKeystore(certificates.keystore.toString(), TestCertificates.PASSWORD);
        try (HttpEndpoint quick = HttpEndpoint.start("127.0.0.1", 0, server, this::echo, THREADS, 300, 60_000,
                HttpEndpoint.WRITE_MILLIS); Socket socket = connect(quick)) {
            // A handshake record of 16 KB announced, a ClientHello begun, then a byte every 100 ms:
            // the TLS socket gives every read of it the whole read timeout again.
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x3f, (byte) 0xf0, 0x01, 0x00, 0x3f, (byte) 0xec, 0x03, 0x03});
            long start = System.nanoTime();
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 300; i++) {
                        Thread.sleep(100);
                        socket.getOutputStream().write('a');
                    }
                } catch (IOException | InterruptedException closed) {
                    // the endpoint closed the connection, as it should
                }
            }, "trickle");
            trickle.setDaemon(true);
            trickle.start();

            try {
                while (socket.getInputStream().read() >= 0) {
                    // an alert, if any
                }
            } catch (IOException reset) {
                // closed at once: a reset
            }
            trickle.interrupt();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("ms until closed")
                    .isLessThan(300 + HttpEndpoint.OVERDUE_GRACE_MILLIS + 2_000);
        }
        assertThat(served).hasValue(0);
    }

    @Test
    void aKeptAliveConnectionMayWaitLongerThanARequestMayTake() throws Exception {
        try (HttpEndpoint quick = startWithLimits(300, 60_000); Socket socket = connect(quick)) {
            scrape(socket); // the first request is due within the request time limit of the connection's opening
            for (int i = 0; i < 2; i++) {
                Thread.sleep(700);
                scrape(socket);
            }
        }
        assertThat(served).hasValue(3);
    }

    @Test
    void aRequestThatStallsIsAnswered408AtItsDeadline() throws IOException {
        try (HttpEndpoint quick = startWithLimits(300, 60_000)) {
            for (boolean firstRequest : new boolean[] {true, false}) {
                try (Socket socket = connect(quick)) {
                    if (!firstRequest) {
                        scrape(socket);
                    }
                    long start = System.nanoTime();
                    send(socket, "GET /metrics HTTP/1.1\r\nHost: a\r\n"); // no blank line: never complete
                    InputStream in = socket.getInputStream();
                    Reply reply = Reply.read(in);
                    assertThat(reply.status).isEqualTo("HTTP/1.1 408 Request Timeout");
                    assertThat(reply.body).isEqualTo("Request not complete within 300 ms\n");
                    assertThat(in.read()).isEqualTo(-1);
                    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
                }
            }
        }
        assertThat(served).as("only the scrape before the second stall").hasValue(1);
    }

    @Test
    void aRequestThatTricklesInEndsAtItsDeadlineAllTheSame() throws Exception {
        try (HttpEndpoint quick = startWithLimits(300, 60_000); Socket socket = connect(quick)) {
            socket.setSoTimeout(5_000); // a byte every 50 ms for 10 s: reading per byte would never time out
            send(socket, "GET /metrics HTTP/1.1\r\nX-Slow: ");
            Thread trickle = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int i = 0; i < 200; i++) {
                        out.write('a');
                        out.flush();
                        Thread.sleep(50);
                    }
                } catch (IOException | InterruptedException closed) {
                    // the endpoint closed the connection, as it should
                }
            }, "trickle");
            trickle.setDaemon(true);
            trickle.start();

            Reply reply = Reply.read(socket.getInputStream());

            assertThat(reply.status).isEqualTo("HTTP/1.1 408 Request Timeout");
            trickle.interrupt();
        }
        assertThat(served).hasValue(0);
    }

    @Test
    void aConnectionThatNeverSendsIsClosedAfterTheRequestTimeLimit() throws IOException {
        try (HttpEndpoint quick = startWithLimits(300, 60_000); Socket socket = connect(quick)) {
            long start = System.nanoTime();
            socket.setSoTimeout(5_000);

            assertThat(socket.getInputStream().read()).as("closed without a word").isEqualTo(-1);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        }
    }

    @Test
    void timeLimitsMustBePositive() {
        Function<HttpEndpoint.Request, HttpEndpoint.Response> handler = this::echo;
        assertThatThrownBy(() -> HttpEndpoint.start("127.0.0.1", 0, null, handler, THREADS, 0, 1000, 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("time limits must be > 0 ms, found request 0 ms, idle 1000 ms, write 1000 ms");
        assertThatThrownBy(() -> HttpEndpoint.start("127.0.0.1", 0, null, handler, THREADS, 1000, 1000, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("time limits must be > 0 ms, found request 1000 ms, idle 1000 ms, write -1 ms");
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void aClientThatStopsReadingAResponseIsClosedAtTheWriteTimeLimit(boolean tls, @TempDir Path dir) throws Exception {
        // Far more than the two ends' socket buffers hold on loopback: the write blocks until read.
        byte[] large = new byte[64 << 20];
        TestCertificates certificates = tls ? TestCertificates.generate(dir, "ec", "EC") : null;
        SSLContext server = tls
                ? TlsCredentials.fromKeystore(certificates.keystore.toString(), TestCertificates.PASSWORD) : null;
        try (HttpEndpoint quick = HttpEndpoint.start("127.0.0.1", 0, server,
                request -> HttpEndpoint.Response.of(200, "text/plain", large, request.isHead()), THREADS,
                60_000, 60_000, 300); Socket stalled = connect(quick, certificates)) {
            send(stalled, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
            Thread.sleep(1_500); // reads nothing for five times the limit

            long received = 0;
            try {
                InputStream in = stalled.getInputStream();
                byte[] buffer = new byte[65_536];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received += n;
                }
            } catch (IOException reset) {
                // closed with bytes unsent: the connection may end in a reset instead of an end of stream
            }

            assertThat(received).as("bytes of a %d-byte response that reached the client", large.length)
                    .isLessThan(large.length);
            try (Socket next = connect(quick, certificates)) {
                send(next, "HEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(readHead(next.getInputStream())).startsWith("HTTP/1.1 200 OK");
            }
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void closingTheEndpointWhileAClientStopsReadingReturnsAtOnce(boolean tls, @TempDir Path dir) throws Exception {
        byte[] large = new byte[64 << 20];
        TestCertificates certificates = tls ? TestCertificates.generate(dir, "ec", "EC") : null;
        SSLContext server = tls
                ? TlsCredentials.fromKeystore(certificates.keystore.toString(), TestCertificates.PASSWORD) : null;
        CountDownLatch answering = new CountDownLatch(1);
        HttpEndpoint quick = HttpEndpoint.start("127.0.0.1", 0, server, request -> {
            answering.countDown();
            return HttpEndpoint.Response.of(200, "text/plain", large, request.isHead());
        }, THREADS);
        try (Socket stalled = connect(quick, certificates)) {
            send(stalled, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(answering.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300); // the write fills both ends' buffers and blocks

            Thread closing = new Thread(quick::close, "shutdown-hook"); // as at JVM exit
            closing.setDaemon(true);
            closing.start();
            closing.join(2_000);

            assertThat(closing.isAlive()).as("still closing 2 s later").isFalse();
        } finally {
            quick.close(); // the client has gone: this one returns whatever the first did
        }
    }

    /** A plain connection, or with {@code certificates} a TLS one that has shaken hands. */
    private static Socket connect(HttpEndpoint to, TestCertificates certificates) throws Exception {
        if (certificates == null) {
            Socket socket = connect(to);
            socket.setReceiveBufferSize(64 * 1024);
            return socket;
        }
        SSLSocket socket = (SSLSocket) certificates.trustingClient().getSocketFactory().createSocket();
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", to.port()), 10_000);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    @Test
    void aMomentWithoutThreadsClosesItsConnectionsAndTheEndpointAnswersAgainAfterIt() throws IOException {
        AtomicBoolean noThreads = new AtomicBoolean();
        HttpEndpoint strained = HttpEndpoint.start("127.0.0.1", 0, null, this::echo, startingUnless(noThreads));
        try {
            noThreads.set(true);
            try (Socket socket = connect(strained)) {
                send(socket, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(socket.getInputStream().read()).as("closed, unanswered").isEqualTo(-1);
            }
            noThreads.set(false);
            try (Socket socket = connect(strained)) {
                scrape(socket);
            }
        } finally {
            strained.close();
        }
    }

    @Test
    void anEndpointWhoseAcceptorCannotStartLetsGoOfItsPort() throws IOException {
        AtomicBoolean noThreads = new AtomicBoolean(true);
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }

        assertThatThrownBy(() -> HttpEndpoint.start("127.0.0.1", port, null, this::echo, startingUnless(noThreads)))
                .isInstanceOf(OutOfMemoryError.class);

        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).as("the port is free again").isEqualTo(port);
        }
    }

    /**
     * No thread while {@code noThreads} is set, as when a process is at its limit: the JVM throws
     * from {@code Thread.start}, which a pool's workers skip from JDK 21 on (they start in a
     * thread container), so the failure is made where every JDK meets it, in the factory.
     */
    private static ThreadFactory startingUnless(AtomicBoolean noThreads) {
        return task -> {
            if (noThreads.get()) {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource"
                        + " limits reached");
            }
            Thread thread = new Thread(task, "endpoint-test");
            thread.setDaemon(true);
            return thread;
        };
    }

    private HttpEndpoint startWithLimits(int requestMillis, int idleMillis) throws IOException {
        return HttpEndpoint.start("127.0.0.1", 0, null, this::echo, THREADS, requestMillis, idleMillis,
                HttpEndpoint.WRITE_MILLIS);
    }

    private static void scrape(Socket socket) throws IOException {
        send(socket, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(Reply.read(socket.getInputStream()).status).isEqualTo("HTTP/1.1 200 OK");
    }

    private Socket connect() throws IOException {
        return connect(endpoint);
    }

    private static Socket connect(HttpEndpoint to) throws IOException {
        Socket socket = new Socket("127.0.0.1", to.port());
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
