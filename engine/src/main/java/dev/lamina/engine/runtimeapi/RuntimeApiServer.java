package dev.lamina.engine.runtimeapi;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lambda Runtime API endpoint of one instance: a minimal HTTP/1.1 server on 127.0.0.1 and an ephemeral port.
 *
 * <p>Why one listener per instance: the Runtime API carries no instance identity ({@code GET /next} has no id), and
 * the official runtime interface clients parse {@code AWS_LAMBDA_RUNTIME_API} as a bare {@code host:port}, so the
 * port is what tells instances apart. Why our own server: the protocol is four routes with long polls; a virtual
 * thread per connection that blocks in {@code /next} costs nothing while it waits, and a hand-written parser keeps the
 * hot path short (no selector threads per instance). See docs/adr/0002-runtime-api-server.md.
 *
 * <p>Threading: one virtual thread accepts; one virtual thread per connection reads requests in order and calls the
 * {@link RuntimeApi} synchronously, which may block (in {@code next}).
 */
public final class RuntimeApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RuntimeApiServer.class);

    /** Bodies above this many bytes are refused: the Runtime API's response limit (6 MiB + 100 bytes). */
    public static final int MAX_BODY = 6 * 1024 * 1024 + 100;

    private static final String PREFIX = "/2018-06-01/runtime/";
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final ServerSocket socket;
    private final RuntimeApi api;
    private volatile boolean closed;

    public RuntimeApiServer(RuntimeApi api) throws IOException {
        this.api = api;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("runtime-api-accept-" + socket.getLocalPort()).start(this::acceptLoop);
    }

    /** The value for {@code AWS_LAMBDA_RUNTIME_API}. */
    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket connection = socket.accept();
                connection.setTcpNoDelay(true);
                Thread.ofVirtual().start(() -> serve(connection));
            } catch (IOException e) {
                if (!closed) {
                    log.debug("runtime API accept failed", e);
                }
            }
        }
    }

    private void serve(Socket connection) {
        try (connection;
                InputStream in = new BufferedInputStream(connection.getInputStream(), 16 * 1024);
                OutputStream out = new BufferedOutputStream(connection.getOutputStream(), 16 * 1024)) {
            while (!closed) {
                Request request = readRequest(in, out);
                if (request == null) {
                    return;
                }
                Response response = route(request);
                write(out, response);
                if (request.close()) {
                    return;
                }
            }
        } catch (EOFException | SocketException e) {
            // the runtime went away; nothing to answer
        } catch (IOException e) {
            log.debug("runtime API connection failed", e);
        }
    }

    private Response route(Request r) {
        String path = r.path();
        if (r.tooLarge()) {
            if (path.startsWith(PREFIX + "invocation/") && path.endsWith("/response")) {
                String requestId =
                        path.substring((PREFIX + "invocation/").length(), path.length() - "/response".length());
                return api.responseTooLarge(requestId);
            }
            return Response.json(
                    413,
                    RuntimeApi.errorBody(
                            "RequestEntityTooLarge",
                            "Exceeded maximum allowed payload size (" + MAX_BODY + " bytes)."));
        }
        if (!path.startsWith(PREFIX)) {
            return notFound();
        }
        String rest = path.substring(PREFIX.length());
        if (rest.equals("invocation/next") && r.method().equals("GET")) {
            return api.next();
        }
        if (rest.equals("init/error") && r.method().equals("POST")) {
            return api.initError(r.header("lambda-runtime-function-error-type"), r.body());
        }
        if (rest.startsWith("invocation/") && r.method().equals("POST")) {
            String idAndAction = rest.substring("invocation/".length());
            int slash = idAndAction.indexOf('/');
            if (slash > 0) {
                String requestId = idAndAction.substring(0, slash);
                String action = idAndAction.substring(slash + 1);
                if (action.equals("response")) {
                    return api.response(requestId, r.body());
                }
                if (action.equals("error")) {
                    return api.error(requestId, r.header("lambda-runtime-function-error-type"), r.body());
                }
            }
        }
        return notFound();
    }

    private static Response notFound() {
        return Response.json(404, RuntimeApi.errorBody("InvalidRequest", "Unknown Runtime API route"));
    }

    /** Reads one request; null at a clean end of stream. Bodies over {@link #MAX_BODY} are drained and flagged. */
    private static Request readRequest(InputStream in, OutputStream out) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null) {
            return null;
        }
        if (requestLine.isEmpty()) {
            requestLine = readLine(in); // tolerate a stray CRLF between requests
            if (requestLine == null) {
                return null;
            }
        }
        String[] parts = requestLine.split(" ", 3);
        if (parts.length < 2) {
            throw new IOException("malformed request line");
        }
        Map<String, String> headers = new TreeMap<>();
        int headerBytes = 0;
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            headerBytes += line.length();
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new IOException("request headers too large");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        boolean http10 = parts.length > 2 && parts[2].equals("HTTP/1.0");
        String connection = headers.getOrDefault("connection", "");
        boolean close = connection.equalsIgnoreCase("close") || (http10 && !connection.equalsIgnoreCase("keep-alive"));
        if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        BodyReader body = new BodyReader(in);
        byte[] bytes;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            bytes = body.chunked(MAX_BODY);
        } else {
            long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
            bytes = body.fixed(length, MAX_BODY);
        }
        String path = parts[1];
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        return new Request(parts[0], path, headers, bytes, close);
    }

    /** Reads a CRLF- (or LF-) terminated line as ISO-8859-1; null at end of stream before any byte. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') {
                    line.setLength(len - 1);
                }
                return line.toString();
            }
            line.append((char) c);
            if (line.length() > MAX_HEADER_BYTES) {
                throw new IOException("header line too long");
            }
        }
        if (line.isEmpty()) {
            return null;
        }
        throw new EOFException("end of stream inside a line");
    }

    private static void write(OutputStream out, Response response) throws IOException {
        StringBuilder head = new StringBuilder(256)
                .append("HTTP/1.1 ")
                .append(response.status())
                .append(' ')
                .append(reason(response.status()))
                .append("\r\n")
                .append("Content-Type: ")
                .append(response.contentType())
                .append("\r\n")
                .append("Content-Length: ")
                .append(response.body().length)
                .append("\r\n");
        for (Map.Entry<String, String> h : response.headers().entrySet()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(response.body());
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 413 -> "Request Entity Too Large";
            case 500 -> "Internal Server Error";
            default -> "Status";
        };
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing runtime API socket", e);
        }
    }

    /** One parsed request; {@code tooLarge} when its body exceeded the limit (and was discarded). */
    record Request(String method, String path, Map<String, String> headers, byte[] body, boolean close) {
        String header(String lowerCaseName) {
            return headers.get(lowerCaseName);
        }

        boolean tooLarge() {
            return body == null;
        }
    }

    /** Reads request bodies; answers null (after draining) when a body exceeds the limit. */
    private record BodyReader(InputStream in) {
        byte[] fixed(long length, int limit) throws IOException {
            if (length > limit) {
                in.skipNBytes(length);
                return null;
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new EOFException("end of stream in body");
            }
            return body;
        }

        byte[] chunked(int limit) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean over = false;
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new EOFException("end of stream in chunked body");
                }
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
                if (size == 0) {
                    for (String trailer = readLine(in); trailer != null && !trailer.isEmpty(); trailer = readLine(in)) {
                        // trailers are not used by the Runtime API's buffered mode
                    }
                    return over ? null : body.toByteArray();
                }
                if (over || body.size() + size > limit) {
                    over = true;
                    in.skipNBytes(size);
                } else {
                    byte[] chunk = in.readNBytes(size);
                    if (chunk.length != size) {
                        throw new EOFException("end of stream in chunk");
                    }
                    body.write(chunk);
                }
                readLine(in); // the CRLF after each chunk
            }
        }
    }
}
