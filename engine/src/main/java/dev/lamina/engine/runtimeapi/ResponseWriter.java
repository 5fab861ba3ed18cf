package dev.lamina.engine.runtimeapi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the answers of one runtime connection: the fixed parts from pre-encoded bytes, the rest as ASCII straight into
 * a reused buffer, and head and body with one write when they fit in it.
 *
 * <p>Not thread-safe: the connection's lock guards it (an answer to {@code /next} may be written by another thread).
 */
final class ResponseWriter {

    private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final byte[] CONTENT_LENGTH_FIELD = ascii("\r\nContent-Length: ");
    private static final byte[] APPLICATION_JSON = ascii("application/json");
    private static final byte[] COLON_SPACE = ascii(": ");
    private static final byte[] CRLF = ascii("\r\n");
    /** {@code HTTP/1.1 <status> <reason>\r\nContent-Type: } for the statuses the Runtime API answers with. */
    private static final byte[][] STATUS_LINES = new byte[600][];

    static {
        for (int status : new int[] {200, 202, 400, 403, 404, 413, 500}) {
            STATUS_LINES[status] = statusLine(status);
        }
    }

    private final OutputStream out;
    private byte[] buf = new byte[8 * 1024];

    ResponseWriter(OutputStream out) {
        this.out = out;
    }

    void writeContinue() throws IOException {
        out.write(CONTINUE);
    }

    /** Writes one answer: its head and, when it fits in the same buffer, its body with one write. */
    void write(Response response) throws IOException {
        byte[] body = response.body();
        int status = response.status();
        byte[] statusLine = status > 0 && status < STATUS_LINES.length && STATUS_LINES[status] != null
                ? STATUS_LINES[status]
                : statusLine(status);
        int n = put(0, statusLine);
        n = "application/json".equals(response.contentType())
                ? put(n, APPLICATION_JSON)
                : put(n, response.contentType());
        n = put(n, CONTENT_LENGTH_FIELD);
        n = putDecimal(n, body.length);
        n = put(n, CRLF);
        String[] headers = response.headers();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i + 1] == null) {
                continue;
            }
            n = put(n, headers[i]);
            n = put(n, COLON_SPACE);
            n = put(n, headers[i + 1]);
            n = put(n, CRLF);
        }
        n = put(n, CRLF);
        if (n + body.length <= buf.length) {
            System.arraycopy(body, 0, buf, n, body.length);
            out.write(buf, 0, n + body.length);
        } else {
            out.write(buf, 0, n);
            out.write(body);
        }
    }

    private int put(int at, byte[] bytes) {
        ensure(at + bytes.length);
        System.arraycopy(bytes, 0, buf, at, bytes.length);
        return at + bytes.length;
    }

    /** Puts {@code s} as ASCII, byte per char; a string with other characters goes as UTF-8. */
    private int put(int at, String s) {
        int length = s.length();
        ensure(at + length);
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return put(at, s.getBytes(StandardCharsets.UTF_8));
            }
            buf[at + i] = (byte) c;
        }
        return at + length;
    }

    private int putDecimal(int at, int value) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        ensure(at + digits);
        for (int i = at + digits - 1, v = value; i >= at; i--, v /= 10) {
            buf[i] = (byte) ('0' + v % 10);
        }
        return at + digits;
    }

    private void ensure(int capacity) {
        if (capacity > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(capacity, buf.length * 2));
        }
    }

    private static byte[] statusLine(int status) {
        return ascii("HTTP/1.1 " + status + " " + reason(status) + "\r\nContent-Type: ");
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

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
