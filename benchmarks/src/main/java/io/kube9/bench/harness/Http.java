package io.kube9.bench.harness;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client over one kept-alive connection: cheap on the CPU it shares with the
 * service under test, and explicit about what goes on the wire. Handles Content-Length and
 * chunked responses.
 */
public final class Http implements AutoCloseable {
    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** A response: status and body size (the body itself is kept only when asked for). */
    public record Response(int status, int bodyBytes, String body) {}

    public Http(String host, int port) {
        this.host = host;
        this.port = port;
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    /**
     * Sends one request and reads the whole response.
     *
     * @param headers extra header lines, each ending in CRLF
     */
    public Response exchange(String method, String path, String headers, String body, boolean keepBody)
            throws IOException {
        if (socket == null) {
            connect();
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(160).append(method).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port).append("\r\n").append(headers);
        if (body != null) {
            request.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
        }
        request.append("\r\n");
        byte[] head = request.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[head.length + content.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(content, 0, message, head.length, content.length);
        out.write(message);
        out.flush();
        return readResponse(keepBody);
    }

    private Response readResponse(boolean keepBody) throws IOException {
        String status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String header; !(header = line()).isEmpty(); ) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        ByteArrayOutputStream kept = keepBody ? new ByteArrayOutputStream() : null;
        int bytes = 0;
        if (chunked) {
            while (true) {
                String size = line();
                int semicolon = size.indexOf(';');
                long chunk = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                if (chunk == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                bytes += read(chunk, kept);
                line();
            }
        } else if (length >= 0) {
            bytes += read(length, kept);
        } else {
            bytes += read(Long.MAX_VALUE, kept);
            close = true;
        }
        if (close) {
            close();
        }
        return new Response(code, bytes, kept == null ? null : kept.toString(StandardCharsets.UTF_8));
    }

    private int read(long count, ByteArrayOutputStream kept) throws IOException {
        byte[] buffer = new byte[8192];
        int total = 0;
        boolean untilClosed = count == Long.MAX_VALUE;
        while (count > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, count));
            if (n < 0) {
                if (untilClosed) {
                    break;
                }
                throw new IOException("connection closed mid-body");
            }
            if (kept != null) {
                kept.write(buffer, 0, n);
            }
            total += n;
            count -= n;
        }
        return total;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
