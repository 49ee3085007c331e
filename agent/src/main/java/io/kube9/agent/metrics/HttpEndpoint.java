package io.kube9.agent.metrics;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small HTTP/1.1 server for the agent's port: GET and HEAD, keep-alive, whole responses
 * written with one {@code write} on sockets with {@code TCP_NODELAY}, optionally over TLS.
 *
 * <p>Why not the JDK's {@code HttpServer}: it writes the headers and the body of a response as
 * two TCP segments, with Nagle's algorithm on. A client that scrapes again within ~40 ms of its
 * last scrape on a kept-alive connection then waits for its own delayed ACK before the body
 * arrives: every such scrape took ~44 ms (BENCHMARKS.md). Its switch for that,
 * {@code sun.net.httpserver.nodelay}, is JVM-wide and read once, so setting it would change the
 * service's own HTTP servers too. It also hands every request from its dispatcher thread to a
 * worker: two wake-ups per scrape where one does.
 *
 * <p>One thread accepts; each connection is served by one thread of a bounded pool for as long
 * as it stays open (Prometheus keeps one connection per target). At most
 * {@value #MAX_CONNECTIONS} connections are open at once. A connection has
 * {@value #REQUEST_MILLIS} ms from being accepted to deliver its first whole request (TLS
 * handshake included), and every later request has as long from its first byte to its last; a
 * connection waiting for its next request is closed after {@value #IDLE_MILLIS} ms, or sooner when
 * a new connection needs its place: at the limit, one connection is closed to let it in (see
 * {@link #makeRoom}), so that idle, slow or stuck clients cannot keep a scrape out. A connection
 * whose request has been read is not closed to make room until its response has been
 * {@value #STALLED_MILLIS} ms in writing; when every connection is such, the new one is closed at
 * once. Requests are read
 * with size limits; anything malformed is a 400 and the connection closes. A response has
 * {@value #WRITE_MILLIS} ms to be written: a client that stops reading in the middle of a large
 * scrape is closed then (a blocking socket write has no timeout of its own, and sixteen such
 * clients would otherwise hold every place until the JVM exits).
 */
final class HttpEndpoint implements AutoCloseable {
    static final int IDLE_MILLIS = 60_000;
    static final int REQUEST_MILLIS = 5_000;
    static final int WRITE_MILLIS = 30_000;
    /** How often the acceptor looks for writes past their time when no connection arrives. */
    private static final int WRITE_CHECK_MILLIS = 1_000;
    /** How long a request may go on, or a response be in writing, before it may be closed to make room. */
    static final int STALLED_MILLIS = 1_000;
    private static final long STALLED_NANOS = TimeUnit.MILLISECONDS.toNanos(STALLED_MILLIS);
    /** How far past its deadline a read may go before the acceptor closes its connection. */
    static final int OVERDUE_GRACE_MILLIS = 1_000;
    private static final long OVERDUE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(OVERDUE_GRACE_MILLIS);
    static final int MAX_CONNECTIONS = 16;
    private static final int MAX_LINE = 8192;
    private static final int MAX_HEADERS = 100;
    /** The request line and headers together, line ends included. */
    static final int MAX_HEAD = 65_536;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final int MAX_REQUEST_BODY = 65_536;

    /** One parsed request. Header names are lower-cased. */
    static final class Request {
        final String method;
        final String path;
        final String query; // null when the target has no '?'
        final boolean http10;
        final Map<String, List<String>> headers;

        Request(String method, String path, String query, boolean http10, Map<String, List<String>> headers) {
            this.method = method;
            this.path = path;
            this.query = query;
            this.http10 = http10;
            this.headers = headers;
        }

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        List<String> headers(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? Collections.emptyList() : values;
        }

        boolean isHead() {
            return "HEAD".equals(method);
        }

        boolean keepAlive() {
            String connection = header("connection");
            if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
                return false;
            }
            return !http10 || (connection != null && connection.toLowerCase(Locale.ROOT).contains("keep-alive"));
        }
    }

    /** A whole response; {@code body} null means none (HEAD, or a status that has none). */
    static final class Response {
        final int status;
        final Map<String, String> headers = new LinkedHashMap<>();
        byte[] body;
        /** Content-Length to announce when there is no body (a HEAD answers with what GET would send). */
        long announcedLength = -1;

        Response(int status) {
            this.status = status;
        }

        Response header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        static Response of(int status, String contentType, byte[] body, boolean head) {
            Response response = new Response(status).header("Content-Type", contentType);
            if (head) {
                response.announcedLength = body.length;
            } else {
                response.body = body;
            }
            return response;
        }

        static Response text(int status, String text, boolean head) {
            return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), head);
        }
    }

    private final ServerSocket server;
    private final Function<Request, Response> handler;
    private final ThreadPoolExecutor connections;
    /** Accepted and not yet closed; added by the acceptor only, so its size can only fall between a check and an add. */
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final long requestNanos;
    private final long idleNanos;
    private final long writeNanos;
    private volatile boolean closed;

    private HttpEndpoint(ServerSocket server, Function<Request, Response> handler, ThreadFactory threads,
            int requestMillis, int idleMillis, int writeMillis) {
        this.server = server;
        this.handler = handler;
        // Twice the limit: a thread whose connection was just closed to make room is still
        // unwinding (and not yet back in the pool) when the new connection needs a thread.
        this.connections = new ThreadPoolExecutor(0, 2 * MAX_CONNECTIONS, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threads);
        this.acceptor = threads.newThread(this::accept);
        this.requestNanos = TimeUnit.MILLISECONDS.toNanos(requestMillis);
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        this.writeNanos = TimeUnit.MILLISECONDS.toNanos(writeMillis);
    }

    /**
     * Binds {@code host:port} (port 0: any free port) and starts serving.
     *
     * @param tls null for plain HTTP
     * @throws IOException when the address cannot be bound
     */
    static HttpEndpoint start(String host, int port, SSLContext tls, Function<Request, Response> handler,
            ThreadFactory threads) throws IOException {
        return start(host, port, tls, handler, threads, REQUEST_MILLIS, IDLE_MILLIS, WRITE_MILLIS);
    }

    /** As above, with other time limits for a request, the wait between requests and a response's write. */
    static HttpEndpoint start(String host, int port, SSLContext tls, Function<Request, Response> handler,
            ThreadFactory threads, int requestMillis, int idleMillis, int writeMillis) throws IOException {
        if (requestMillis <= 0 || idleMillis <= 0 || writeMillis <= 0) {
            throw new IllegalArgumentException("time limits must be > 0 ms, found request " + requestMillis
                    + " ms, idle " + idleMillis + " ms, write " + writeMillis + " ms");
        }
        ServerSocket server = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
        try {
            server.setReuseAddress(true);
            InetAddress address = host == null || host.isEmpty() ? null : InetAddress.getByName(host);
            server.bind(new InetSocketAddress(address, port), 50);
            server.setSoTimeout(Math.max(10, Math.min(WRITE_CHECK_MILLIS, writeMillis / 4)));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        try {
            HttpEndpoint endpoint = new HttpEndpoint(server, handler, threads, requestMillis, idleMillis, writeMillis);
            endpoint.acceptor.start();
            return endpoint;
        } catch (RuntimeException | OutOfMemoryError noThread) {
            server.close(); // bound and never accepting, the port kept every scrape waiting
            throw noThread;
        }
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketTimeoutException e) {
                closeOverdue();
                continue;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                pause(); // out of file descriptors, say: try again shortly rather than spin
                continue;
            }
            closeOverdue();
            if (open.size() >= MAX_CONNECTIONS && !makeRoom()) {
                closeQuietly(socket); // every connection is being answered: the client retries
                continue;
            }
            Connection connection = new Connection(socket, requestNanos);
            open.add(connection);
            try {
                connections.execute(() -> serve(connection));
            } catch (RejectedExecutionException | OutOfMemoryError noThread) {
                // Every thread busy, or no thread can be made now (the process at its limit of
                // threads): this client is closed and retries. Let through, the error ended the
                // acceptor, and the port, still bound, never answered again.
                open.remove(connection);
                closeQuietly(socket);
                if (noThread instanceof OutOfMemoryError) {
                    pause();
                }
            }
        }
    }

    /**
     * Closes one connection to make room for a new one; false when none may be closed. In this
     * order: one that has been sending its request, or writing a response its client does not
     * read, for {@value #STALLED_MILLIS} ms or more; then one that has not sent a request since it
     * was accepted; then one kept alive after an answer (Prometheus's, used at every scrape: it
     * waits 15-60 s between scrapes, where a connection that sends nothing is closed at 5 s, so by
     * age alone it was the first to go); then one still sending its request; the oldest first
     * within each. Without the first and the last, sixteen clients that send one byte each, or
     * that ask for pages and never read them, kept every scrape out for as long as they liked (one
     * byte a 5 s, a response a 30 s). A
     * connection whose request has been read is not closed until its response has been
     * {@value #STALLED_MILLIS} ms in writing: a scrape is answered in milliseconds.
     */
    private boolean makeRoom() {
        while (true) {
            long now = System.nanoTime();
            Connection victim = null;
            int victimState = 0;
            int victimRank = NOT_CLOSED;
            long victimSince = 0;
            for (Connection connection : open) {
                int state = connection.state();
                long since = connection.since;
                int rank = rank(state, now - since >= STALLED_NANOS, connection.answered);
                if (rank < victimRank || (rank != NOT_CLOSED && rank == victimRank && since - victimSince < 0)) {
                    victim = connection;
                    victimState = state;
                    victimRank = rank;
                    victimSince = since;
                }
            }
            if (victim == null) {
                return false;
            }
            if (victim.evict(victimState)) { // else it moved on meanwhile: look again
                discard(victim, victimState);
                return true;
            }
        }
    }

    private static final int NOT_CLOSED = Integer.MAX_VALUE;

    /** Lower is closed first to make room. */
    private static int rank(int state, boolean stalled, boolean answered) {
        switch (state) {
            case Connection.READING: return stalled ? 0 : 3;
            case Connection.WRITING: return stalled ? 0 : NOT_CLOSED;
            case Connection.WAITING: return answered ? 2 : 1;
            default: return NOT_CLOSED; // being answered, or closed
        }
    }

    /**
     * Closes the connections past their time: a response not written within its limit (the client
     * stopped reading; the thread, blocked in the write, gets a {@code SocketException}), or a
     * request or TLS handshake still incomplete {@value #OVERDUE_GRACE_MILLIS} ms after its
     * deadline. A plain socket's own read timeout ends a request at its deadline with a 408; a TLS
     * socket's does not always: each read of a handshake message's bytes gets the whole timeout
     * again, so a ClientHello sent a byte a second kept its connection and thread for hours.
     */
    private void closeOverdue() {
        long now = System.nanoTime();
        for (Connection connection : open) {
            int state = connection.state();
            boolean overdue = state == Connection.WRITING ? connection.writeOverdue(now)
                    : (state == Connection.WAITING || state == Connection.READING)
                            && now - connection.deadline - OVERDUE_GRACE_NANOS > 0;
            if (overdue && connection.evict(state)) {
                discard(connection, state);
            }
        }
    }

    /**
     * Forgets a connection the acceptor has won and closes it: at once when a write may be blocked
     * in it (see {@link #closeAtOnce}), with an orderly end otherwise.
     */
    private void discard(Connection connection, int state) {
        open.remove(connection);
        if (state == Connection.WRITING || connection.socket instanceof SSLSocket) {
            closeAtOnce(connection.socket);
        } else {
            closeQuietly(connection.socket); // its thread, blocked reading, gets a SocketException
        }
    }

    /**
     * Closes with a linger of 0, which resets the connection at once. Over TLS it must when a
     * write may be blocked: a TLS socket's close first sends a close_notify under the lock that the
     * blocked write holds, and without a linger it waits for that lock as long as the client does
     * not read (the acceptor, or the JVM's exit, with it); with one, it gives up on the
     * close_notify and closes the socket.
     */
    private static void closeAtOnce(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closed meanwhile
        }
        closeQuietly(socket);
    }

    private void serve(Connection connection) {
        Socket socket = connection.socket;
        try {
            socket.setTcpNoDelay(true);
            RequestInput in = new RequestInput(connection);
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                if (!in.awaitRequest(connection, idleNanos)) {
                    return; // the client closed the connection
                }
                if (!connection.beginRequest()) {
                    return; // closed to make room just as this request began; the client retries
                }
                Request request;
                try {
                    request = read(in, out);
                } catch (BadRequest e) {
                    if (connection.answer()) {
                        write(connection, out, Response.text(e.status, e.getMessage() + "\n", false), false, false, false);
                    }
                    return;
                }
                if (request == null || !connection.answer()) {
                    return; // the client closed the connection, or it was closed to make room
                }
                Response response;
                try {
                    response = handler.apply(request);
                } catch (RuntimeException e) {
                    // the handler logs what it must (MetricsExporter); the text is never the client's
                    response = Response.text(500, "kube9 agent: the request failed.\n", request.isHead());
                }
                boolean keepAlive = request.keepAlive();
                write(connection, out, response, keepAlive, request.http10, request.isHead());
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException e) {
            // idle timeout, closed to make room, or the client went away mid-request: nothing to answer
        } finally {
            open.remove(connection);
            closeQuietly(socket);
        }
    }

    /**
     * The next request, or null at a clean end of the stream before one starts. What RFC 9112
     * says a server must refuse is refused: a request line or header name with other than visible
     * ASCII, whitespace before a header's colon, a folded header line, a Content-Length that is not
     * one number. {@code out} gets the {@code 100 Continue} of a client that waits for it before
     * it sends its body (which is then read and ignored).
     */
    static Request read(InputStream in, OutputStream out) throws IOException {
        String line = readLine(in, true);
        while (line != null && line.isEmpty()) {
            line = readLine(in, true); // tolerated: stray CRLF between requests
        }
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ");
        if (parts.length != 3 || !visibleAscii(parts[0]) || !visibleAscii(parts[1]) || !isVersion(parts[2])) {
            throw new BadRequest(400, "Bad request line");
        }
        if (!parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest(505, "HTTP version not supported: the kube9 agent speaks HTTP/1.1");
        }
        int size = line.length() + 2;
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int count = 0;
        String header;
        while (!(header = readLine(in, false)).isEmpty()) {
            size += header.length() + 2;
            if (++count > MAX_HEADERS) {
                throw new BadRequest(431, "Too many headers");
            }
            if (size > MAX_HEAD) {
                throw new BadRequest(431, "Request headers larger than 64 KB");
            }
            int colon = header.indexOf(':');
            if (colon <= 0 || !visibleAscii(header.substring(0, colon)) || hasControl(header, colon + 1)) {
                throw new BadRequest(400, "Bad header line");
            }
            String name = header.substring(0, colon).toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, unused -> new ArrayList<>(1)).add(header.substring(colon + 1).trim());
        }
        long length = bodyLength(headers);
        if (length > 0) {
            List<String> expect = headers.get("expect");
            if (expect != null && expect.get(0).equalsIgnoreCase("100-continue")) {
                out.write(CONTINUE);
                out.flush();
            }
            skip(in, length);
        }
        String target = parts[1];
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? null : target.substring(question + 1);
        if (path.startsWith("http://") || path.startsWith("https://")) { // absolute form
            int slash = path.indexOf('/', path.indexOf("//") + 2);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        return new Request(parts[0], path, query, parts[2].equals("HTTP/1.0"), headers);
    }

    /**
     * Whether a header's value holds a control character other than a tab: a bare CR or a NUL,
     * which RFC 9110 (5.5) has a recipient refuse, as a proxy in front may read them otherwise.
     */
    private static boolean hasControl(String header, int from) {
        for (int i = from; i < header.length(); i++) {
            char c = header.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** True for a non-empty run of visible ASCII characters (no space, control or other byte). */
    private static boolean visibleAscii(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** {@code HTTP/d.d}. */
    private static boolean isVersion(String text) {
        return text.length() == 8 && text.startsWith("HTTP/") && isDigit(text.charAt(5)) && text.charAt(6) == '.'
                && isDigit(text.charAt(7));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * GET and HEAD carry no body; the length of one that comes anyway, to be read and ignored
     * within a limit. Every Content-Length given must be the same number: were two different ones
     * taken, one by a proxy and the other here, they would disagree on where the next request begins.
     */
    private static long bodyLength(Map<String, List<String>> headers) throws BadRequest {
        if (headers.containsKey("transfer-encoding")) {
            throw new BadRequest(411, "Chunked request bodies are not accepted");
        }
        List<String> lengths = headers.get("content-length");
        if (lengths == null) {
            return 0;
        }
        String first = lengths.get(0);
        for (String length : lengths) {
            if (!length.equals(first) || !digits(length)) {
                throw new BadRequest(400, "Bad Content-Length");
            }
        }
        if (first.length() > 18 || Long.parseLong(first) > MAX_REQUEST_BODY) {
            throw new BadRequest(413, "Request body too large");
        }
        return Long.parseLong(first);
    }

    private static boolean digits(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void skip(InputStream in, long length) throws IOException {
        while (length > 0) {
            long skipped = in.skip(length);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("end of stream in a request body");
                }
                skipped = 1;
            }
            length -= skipped;
        }
    }

    /** A line without its CRLF (a bare LF is accepted), or null at end of stream if {@code endOk}. */
    private static String readLine(InputStream in, boolean endOk) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (endOk && line.length() == 0) {
                    return null;
                }
                throw new IOException("end of stream in a request");
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new BadRequest(431, "Request line or header too long");
            }
            line.append((char) b); // ISO-8859-1, as HTTP/1.1 defines header bytes
        }
    }

    /** {@link #write(OutputStream, Response, boolean, boolean, boolean)} within the write time limit. */
    private void write(Connection connection, OutputStream out, Response response, boolean keepAlive, boolean http10,
            boolean head) throws IOException {
        connection.writing(System.nanoTime() + writeNanos);
        write(out, response, keepAlive, http10, head);
        if (!connection.written()) {
            throw new SocketException("closed to make room"); // just as the write ended
        }
    }

    /**
     * Status line, headers and body in one buffer and one write: one TCP segment for a small response.
     * Every answer to a GET says its length, 0 when it has no body: without one a kept-alive client
     * would read until the connection closes (a 405 once left curl waiting out the idle limit).
     */
    private static void write(OutputStream out, Response response, boolean keepAlive, boolean http10, boolean head)
            throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256 + (response.body == null ? 0 : response.body.length));
        StringBuilder text = new StringBuilder(256);
        text.append(http10 ? "HTTP/1.0 " : "HTTP/1.1 ").append(response.status).append(' ')
                .append(reason(response.status)).append("\r\n");
        for (Map.Entry<String, String> header : response.headers.entrySet()) {
            if (!header.getKey().equalsIgnoreCase("Content-Length")) {
                text.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
            }
        }
        text.append("Date: ").append(Dated.now()).append("\r\n");
        long length = response.body != null ? response.body.length : response.announcedLength;
        if (length >= 0 || !head) {
            text.append("Content-Length: ").append(Math.max(0, length)).append("\r\n");
        }
        if (!keepAlive) {
            text.append("Connection: close\r\n");
        } else if (http10) {
            text.append("Connection: keep-alive\r\n");
        }
        text.append("\r\n");
        buffer.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (response.body != null) {
            buffer.write(response.body);
        }
        buffer.writeTo(out);
        out.flush();
    }

    /**
     * The {@code Date} of a response (RFC 9110 asks it of a server with a clock), formatted once a
     * second: a scrape costs a clock read, not a formatting.
     */
    private static final class Dated {
        private static final DateTimeFormatter IMF_FIXDATE =
                DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);
        private static volatile Dated last = new Dated(Long.MIN_VALUE, "");

        private final long second;
        private final String text;

        private Dated(long second, String text) {
            this.second = second;
            this.text = text;
        }

        static String now() {
            long second = System.currentTimeMillis() / 1000;
            Dated dated = last;
            if (dated.second != second) {
                dated = new Dated(second, IMF_FIXDATE.format(Instant.ofEpochSecond(second)));
                last = dated;
            }
            return dated.text;
        }
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 406: return "Not Acceptable";
            case 408: return "Request Timeout";
            case 411: return "Length Required";
            case 413: return "Payload Too Large";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 503: return "Service Unavailable";
            case 505: return "HTTP Version Not Supported";
            default: return "Status";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Connection connection : open) {
            // Wakes threads blocked reading a kept-alive connection. A shutdown hook calls this, so
            // it never waits for a client that stopped reading: the JVM's exit would wait with it.
            // Only a TLS socket's close can wait (behind a blocked write, or a handshake's).
            if (connection.socket instanceof SSLSocket) {
                closeAtOnce(connection.socket);
            } else {
                closeQuietly(connection.socket);
            }
        }
        connections.shutdownNow();
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One accepted connection and where it is: waiting for a request to begin, reading one,
     * answering it (never closed to make room), or writing the answer. The acceptor closes a
     * connection only after winning {@link #evict}; the serving thread moves it on only by
     * compare-and-set of the same state, so a request is never cut off while it is answered.
     */
    private static final class Connection extends InputStream {
        static final int WAITING = 0;
        static final int READING = 1;
        static final int ANSWERING = 2;
        static final int WRITING = 3;
        static final int EVICTED = 4;

        final Socket socket;
        private final long requestNanos;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        /** {@code System.nanoTime()} when the state began; written before the state, read by the acceptor after it. */
        volatile long since;
        /** {@code System.nanoTime()} by which the current read must be done; read by the acceptor too. */
        volatile long deadline;
        /** {@code System.nanoTime()} by which the response being written must be out; read by the acceptor. */
        private volatile long writeDeadline;
        /**
         * Whether a request has been answered: the first one's time counts from the accept, and a
         * connection that never sent one is closed first to make room. Read by the acceptor too.
         */
        private volatile boolean answered;
        private InputStream in;

        /** Accepted just now: its first request is due within {@code requestNanos}. */
        Connection(Socket socket, long requestNanos) {
            this.socket = socket;
            this.requestNanos = requestNanos;
            this.since = System.nanoTime();
            this.deadline = since + requestNanos;
        }

        int state() {
            return state.get();
        }

        /** True when the acceptor may close it: it was still in {@code from}. */
        boolean evict(int from) {
            return state.compareAndSet(from, EVICTED);
        }

        /** True when this thread may read the request whose first byte has arrived. */
        boolean beginRequest() {
            if (state.get() == READING) {
                return true; // pipelined: its time began when the last answer was written
            }
            long now = System.nanoTime();
            if (answered) {
                deadline = now + requestNanos;
            }
            since = now;
            return state.compareAndSet(WAITING, READING);
        }

        /** True when this thread may answer the request it has read (or refuse it). */
        boolean answer() {
            return state.compareAndSet(READING, ANSWERING);
        }

        void writing(long deadline) {
            writeDeadline = deadline;
            since = System.nanoTime();
            state.set(WRITING); // from ANSWERING, which the acceptor never changes
        }

        /** The answer is out: a pipelined request may follow at once. False when closed meanwhile. */
        boolean written() {
            answered = true;
            long now = System.nanoTime();
            deadline = now + requestNanos;
            since = now;
            return state.compareAndSet(WRITING, READING);
        }

        boolean writeOverdue(long now) {
            return state.get() == WRITING && now - writeDeadline > 0;
        }

        /** About to wait for the next request: from now on it may be closed to make room. */
        void awaitRequest(long idleNanos) throws SocketException {
            int current = state.get();
            if (current == WAITING) {
                return; // still waiting for the first request (its deadline stands), or after stray line ends
            }
            long now = System.nanoTime();
            deadline = now + idleNanos;
            since = now;
            if (current != READING || !state.compareAndSet(READING, WAITING)) {
                throw new SocketException("closed to make room");
            }
        }

        /**
         * Reads with the socket's timeout set to what is left until the deadline: a request that
         * trickles in a byte at a time ends at its deadline all the same (over TLS each read of a
         * record's parts gets that much again).
         */
        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw timedOut();
            }
            if (in == null) {
                in = socket.getInputStream();
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left) + 1));
            try {
                return in.read(buffer, offset, length);
            } catch (SocketTimeoutException e) {
                throw timedOut();
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        /** In the middle of a request a 408 says why; between requests the close is silent. */
        private IOException timedOut() {
            if (state.get() == READING) {
                return new BadRequest(408, "Request not complete within "
                        + TimeUnit.NANOSECONDS.toMillis(requestNanos) + " ms");
            }
            return new SocketTimeoutException("no request in time");
        }
    }

    /** A buffered reader of a connection that can wait for a request to begin without consuming it. */
    private static final class RequestInput extends BufferedInputStream {
        RequestInput(InputStream in) {
            super(in, 8192);
        }

        /**
         * Waits for the first byte of the next request and leaves it to be read; stray line ends
         * before it are skipped. False at the end of the stream. The connection may be closed to
         * make room only while this waits on the socket: a pipelined request already buffered is
         * in the middle of being served.
         */
        boolean awaitRequest(Connection connection, long idleNanos) throws IOException {
            while (true) {
                if (pos >= count) {
                    connection.awaitRequest(idleNanos);
                }
                int b = read();
                if (b < 0) {
                    return false;
                }
                if (b != '\r' && b != '\n') {
                    pos--; // read() returned buf[pos - 1]
                    return true;
                }
            }
        }
    }

    /** A request this server will not serve; answered with {@code status}, then the connection closes. */
    static final class BadRequest extends SocketException {
        private static final long serialVersionUID = 1L;
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
