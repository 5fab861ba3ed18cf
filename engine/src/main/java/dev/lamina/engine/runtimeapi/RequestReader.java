package dev.lamina.engine.runtimeapi;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the requests of one runtime connection. Each request head is parsed in place in the connection's buffer: the
 * request line gives one of the Runtime API's routes, and of the headers only those the Runtime API needs are looked
 * at (Content-Length, Transfer-Encoding, Connection, Expect, Lambda-Runtime-Function-Error-Type; names in any case,
 * the last of a repeated one counts). Bodies are read by Content-Length or chunked, up to {@link
 * RuntimeApiServer#MAX_BODY}; a larger one is drained, so that the connection stays usable. Lines may end with CRLF or
 * LF.
 *
 * <p>Not thread-safe: the connection's thread alone reads.
 */
final class RequestReader {

    /** A request head (request line and headers) over this many bytes closes the connection unanswered. */
    static final int MAX_HEAD = 64 * 1024;

    private static final byte[] PREFIX = ascii("/2018-06-01/runtime/");
    private static final byte[] NEXT_PATH = ascii("invocation/next");
    private static final byte[] INIT_ERROR_PATH = ascii("init/error");
    private static final byte[] INVOCATION = ascii("invocation/");
    private static final byte[] RESPONSE = ascii("response");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] GET = ascii("GET");
    private static final byte[] POST = ascii("POST");
    private static final byte[] HTTP_1_0 = ascii("HTTP/1.0");

    // Header names and values, compared without regard to case.
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] EXPECT = ascii("expect");
    private static final byte[] ERROR_TYPE = ascii("lambda-runtime-function-error-type");
    private static final byte[] CHUNKED = ascii("chunked");
    private static final byte[] CLOSE = ascii("close");
    private static final byte[] KEEP_ALIVE = ascii("keep-alive");
    private static final byte[] CONTINUE_100 = ascii("100-continue");

    private static final byte[] EMPTY = new byte[0];

    enum Route {
        NEXT,
        RESPONSE,
        ERROR,
        INIT_ERROR,
        NOT_FOUND
    }

    /**
     * What is kept of a request head once it is parsed (the buffer is reused for the body).
     *
     * @param requestId of a {@link Route#RESPONSE} or {@link Route#ERROR}, else null
     * @param errorType the {@code Lambda-Runtime-Function-Error-Type} header, or null
     * @param close whether the connection ends after the answer ({@code Connection: close}, or HTTP/1.0 without
     *     {@code Connection: keep-alive})
     */
    record Head(
            Route route,
            String requestId,
            String errorType,
            long contentLength,
            boolean chunked,
            boolean expectContinue,
            boolean close) {}

    private final InputStream in;
    /** Read and not yet consumed: {@code buf[pos, limit)}. */
    private byte[] buf = new byte[8 * 1024];

    private int pos;
    private int limit;

    RequestReader(InputStream in) {
        this.in = in;
    }

    /** The body of the request whose head was just read; null (after draining it) when it exceeds the limit. */
    byte[] readBody(Head head) throws IOException {
        return head.chunked() ? readChunked() : readFixed(head.contentLength());
    }

    /**
     * Reads and parses the next request head; null at a clean end of stream. Lines may end with CRLF or LF; empty
     * lines before the request line (a stray CRLF after the previous body) are skipped.
     */
    Head readHead() throws IOException {
        if (pos == limit) {
            pos = 0;
            limit = 0;
        }
        while (true) {
            while (pos < limit && (buf[pos] == '\r' || buf[pos] == '\n')) {
                pos++;
            }
            if (pos < limit) {
                break;
            }
            pos = 0;
            limit = 0;
            if (!fill()) {
                return null;
            }
        }
        // Find the empty line that ends the head; indices are relative to pos, which a fill may move.
        int at = 0;
        int lineStart = 0;
        while (true) {
            if (pos + at == limit) {
                if (limit - pos >= MAX_HEAD) {
                    throw new IOException("request head over " + MAX_HEAD + " bytes");
                }
                if (!fill()) {
                    throw new EOFException("end of stream in a request head");
                }
                continue;
            }
            if (buf[pos + at] == '\n') {
                int length = at - lineStart;
                if (length == 0 || (length == 1 && buf[pos + lineStart] == '\r')) {
                    break;
                }
                lineStart = at + 1;
            }
            at++;
        }
        int start = pos;
        int end = pos + at + 1;
        pos = end;
        return parseHead(start, end);
    }

    /** Parses the head in {@code buf[start, end)}, which ends with its empty line. */
    private Head parseHead(int start, int end) throws IOException {
        int lineEnd = indexOf('\n', start, end);
        int requestLineEnd = contentEnd(start, lineEnd);
        int space = indexOf(' ', start, requestLineEnd);
        if (space < 0) {
            throw new IOException("malformed request line");
        }
        int targetStart = space + 1;
        int secondSpace = indexOf(' ', targetStart, requestLineEnd);
        int targetEnd = secondSpace < 0 ? requestLineEnd : secondSpace;
        boolean http10 = secondSpace >= 0 && equals(secondSpace + 1, requestLineEnd, HTTP_1_0);
        int query = indexOf('?', targetStart, targetEnd);
        int pathEnd = query < 0 ? targetEnd : query;

        int lengthStart = -1;
        int lengthEnd = -1;
        boolean chunked = false;
        boolean close = false;
        boolean keepAlive = false;
        boolean expectContinue = false;
        String errorType = null;
        for (int line = lineEnd + 1; ; ) {
            int nl = indexOf('\n', line, end);
            int contentEnd = contentEnd(line, nl);
            if (contentEnd == line) {
                break; // the empty line
            }
            int colon = indexOf(':', line, contentEnd);
            if (colon > line) {
                int nameStart = trimStart(line, colon);
                int nameEnd = trimEnd(nameStart, colon);
                int valueStart = trimStart(colon + 1, contentEnd);
                int valueEnd = trimEnd(valueStart, contentEnd);
                if (equalsIgnoreCase(nameStart, nameEnd, CONTENT_LENGTH)) {
                    lengthStart = valueStart;
                    lengthEnd = valueEnd;
                } else if (equalsIgnoreCase(nameStart, nameEnd, TRANSFER_ENCODING)) {
                    chunked = equalsIgnoreCase(valueStart, valueEnd, CHUNKED);
                } else if (equalsIgnoreCase(nameStart, nameEnd, CONNECTION)) {
                    close = equalsIgnoreCase(valueStart, valueEnd, CLOSE);
                    keepAlive = equalsIgnoreCase(valueStart, valueEnd, KEEP_ALIVE);
                } else if (equalsIgnoreCase(nameStart, nameEnd, EXPECT)) {
                    expectContinue = equalsIgnoreCase(valueStart, valueEnd, CONTINUE_100);
                } else if (equalsIgnoreCase(nameStart, nameEnd, ERROR_TYPE)) {
                    errorType = latin1(valueStart, valueEnd);
                }
            }
            line = nl + 1;
        }
        long contentLength = chunked || lengthStart < 0 ? 0 : decimal(lengthStart, lengthEnd);

        Route route = route(start, space, targetStart, pathEnd);
        String requestId = null;
        if (route == Route.RESPONSE || route == Route.ERROR) {
            int idStart = targetStart + PREFIX.length + INVOCATION.length;
            requestId = latin1(idStart, indexOf('/', idStart, pathEnd));
        }
        return new Head(
                route, requestId, errorType, contentLength, chunked, expectContinue, close || (http10 && !keepAlive));
    }

    /** The route of a method in {@code buf[methodStart, methodEnd)} and a path in {@code buf[pathStart, pathEnd)}. */
    private Route route(int methodStart, int methodEnd, int pathStart, int pathEnd) {
        if (!startsWith(pathStart, pathEnd, PREFIX)) {
            return Route.NOT_FOUND;
        }
        boolean get = equals(methodStart, methodEnd, GET);
        boolean post = equals(methodStart, methodEnd, POST);
        int rest = pathStart + PREFIX.length;
        if (get && equals(rest, pathEnd, NEXT_PATH)) {
            return Route.NEXT;
        }
        if (post && equals(rest, pathEnd, INIT_ERROR_PATH)) {
            return Route.INIT_ERROR;
        }
        if (post && startsWith(rest, pathEnd, INVOCATION)) { // invocation/{id}/response or invocation/{id}/error
            int idStart = rest + INVOCATION.length;
            int slash = indexOf('/', idStart, pathEnd);
            if (slash > idStart && equals(slash + 1, pathEnd, RESPONSE)) {
                return Route.RESPONSE;
            }
            if (slash > idStart && equals(slash + 1, pathEnd, ERROR)) {
                return Route.ERROR;
            }
        }
        return Route.NOT_FOUND;
    }

    /** A Content-Length body; null (after draining it) when it exceeds {@link RuntimeApiServer#MAX_BODY}. */
    private byte[] readFixed(long length) throws IOException {
        if (length > RuntimeApiServer.MAX_BODY) {
            skip(length);
            return null;
        }
        if (length == 0) {
            return EMPTY;
        }
        byte[] body = new byte[(int) length];
        int n = Math.min(limit - pos, body.length);
        System.arraycopy(buf, pos, body, 0, n);
        pos += n;
        while (n < body.length) {
            int read = in.read(body, n, body.length - n);
            if (read < 0) {
                throw new EOFException("end of stream in body");
            }
            n += read;
        }
        return body;
    }

    /** A chunked body; null (after draining it) when it exceeds {@link RuntimeApiServer#MAX_BODY}. No trailers. */
    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean over = false;
        while (true) {
            int nl = lineEnd(false);
            int semicolon = indexOf(';', pos, nl);
            int sizeStart = trimStart(pos, semicolon < 0 ? nl : semicolon);
            long size = hex(sizeStart, trimEnd(sizeStart, semicolon < 0 ? nl : semicolon));
            pos = nl + 1;
            if (size == 0) {
                // Trailers, up to an empty line; the buffered mode of the Runtime API has no use for them.
                for (nl = lineEnd(true); nl >= 0 && contentEnd(pos, nl) > pos; nl = lineEnd(true)) {
                    pos = nl + 1;
                }
                if (nl >= 0) {
                    pos = nl + 1;
                }
                return over ? null : body.toByteArray();
            }
            if (over || body.size() + size > RuntimeApiServer.MAX_BODY) {
                over = true;
                skip(size);
            } else {
                copy(body, (int) size);
            }
            pos = lineEnd(false) + 1; // the CRLF after each chunk
        }
    }

    /**
     * The index of the {@code '\n'} that ends the line at {@code pos}, reading more as needed. At the end of the
     * stream: -1 if {@code endOk} and the line has no byte yet, else an EOFException.
     */
    private int lineEnd(boolean endOk) throws IOException {
        int at = 0;
        while (true) {
            for (; pos + at < limit; at++) {
                if (buf[pos + at] == '\n') {
                    return pos + at;
                }
            }
            if (at > MAX_HEAD) {
                throw new IOException("line over " + MAX_HEAD + " bytes");
            }
            if (!fill()) {
                if (endOk && at == 0) {
                    return -1;
                }
                throw new EOFException("end of stream in chunked body");
            }
        }
    }

    private void copy(ByteArrayOutputStream to, int n) throws IOException {
        while (n > 0) {
            if (pos == limit && !refill()) {
                throw new EOFException("end of stream in chunk");
            }
            int k = Math.min(n, limit - pos);
            to.write(buf, pos, k);
            pos += k;
            n -= k;
        }
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            if (pos == limit && !refill()) {
                throw new EOFException("end of stream in body");
            }
            int k = (int) Math.min(n, limit - pos);
            pos += k;
            n -= k;
        }
    }

    /** Reads into the emptied buffer; false at the end of the stream. */
    private boolean refill() throws IOException {
        pos = 0;
        limit = 0;
        return fill();
    }

    /** Reads more after {@code limit}, making room first (compacting, else growing); false at end of stream. */
    private boolean fill() throws IOException {
        if (limit == buf.length) {
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                pos = 0;
            } else {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    // ---- Byte helpers on the buffer -------------------------------------------------------------------------

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** The end of a line's content: {@code nl} without the CR before it. */
    private int contentEnd(int lineStart, int nl) {
        return nl > lineStart && buf[nl - 1] == '\r' ? nl - 1 : nl;
    }

    private int trimStart(int from, int to) {
        while (from < to && (buf[from] & 0xFF) <= ' ') {
            from++;
        }
        return from;
    }

    private int trimEnd(int from, int to) {
        while (to > from && (buf[to - 1] & 0xFF) <= ' ') {
            to--;
        }
        return to;
    }

    private boolean equals(int from, int to, byte[] expected) {
        return to - from == expected.length && startsWith(from, to, expected);
    }

    private boolean startsWith(int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** ASCII case-insensitive comparison with a lower-case {@code expected}. */
    private boolean equalsIgnoreCase(int from, int to, byte[] expected) {
        if (to - from != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            int b = buf[from + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private String latin1(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private long decimal(int from, int to) throws IOException {
        if (from == to || to - from > 18) {
            throw new IOException("bad Content-Length");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                throw new IOException("bad Content-Length");
            }
            value = value * 10 + (buf[i] - '0');
        }
        return value;
    }

    private long hex(int from, int to) throws IOException {
        if (from == to || to - from > 15) {
            throw new IOException("bad chunk size");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = Character.digit(buf[i], 16);
            if (digit < 0) {
                throw new IOException("bad chunk size");
            }
            value = value * 16 + digit;
        }
        return value;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
