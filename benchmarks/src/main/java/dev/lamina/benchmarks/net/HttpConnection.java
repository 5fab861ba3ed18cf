package dev.lamina.benchmarks.net;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 keep-alive connection, read and written without allocating per message once warm: the message head is
 * parsed in place in a reused buffer, header values are looked up as byte ranges, and bodies are skipped or copied
 * into a reused buffer. Used as the client of the floors, the fake runtime's Runtime API client and the minimal
 * server's connection. Not thread-safe: one thread per connection.
 */
public final class HttpConnection implements AutoCloseable {

    private static final int MAX_HEAD = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[MAX_HEAD * 2];
    private int pos;
    private int lim;
    /** The current message head: buf[headStart, headEnd) up to and including the blank line. */
    private int headStart;

    private int headEnd;
    private byte[] body = new byte[16 * 1024];
    private int bodyLength;

    public HttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code 127.0.0.1:port}. */
    public static HttpConnection connect(int port) throws IOException {
        return new HttpConnection(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    /** Connects to a {@code host:port} address, such as an {@code AWS_LAMBDA_RUNTIME_API} value. */
    public static HttpConnection connect(String hostAndPort) throws IOException {
        int colon = hostAndPort.lastIndexOf(':');
        return new HttpConnection(new Socket(
                InetAddress.getByName(hostAndPort.substring(0, colon)),
                Integer.parseInt(hostAndPort.substring(colon + 1))));
    }

    public void write(byte[] bytes, int off, int len) throws IOException {
        out.write(bytes, off, len);
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes, 0, bytes.length);
    }

    /**
     * Reads the next message (head and a Content-Length body); false at a clean end of stream. The head stays
     * readable through {@link #status}, {@link #header} and {@link #headerInto} until the next call.
     */
    public boolean readMessage() throws IOException {
        if (pos == lim) {
            pos = 0;
            lim = 0;
        } else if (pos > MAX_HEAD) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        int scanFrom = pos;
        while (true) {
            int end = indexOfBlankLine(scanFrom);
            if (end >= 0) {
                headStart = pos;
                headEnd = end;
                pos = end;
                break;
            }
            scanFrom = Math.max(pos, lim - 3);
            if (lim == buf.length) {
                throw new IOException("message head too large");
            }
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                if (lim == pos) {
                    return false;
                }
                throw new EOFException("end of stream in a message head");
            }
            lim += n;
        }
        long length = headerLong("content-length");
        readBody(length < 0 ? 0 : (int) length);
        return true;
    }

    private int indexOfBlankLine(int from) {
        for (int i = from; i + 3 < lim; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    private void readBody(int length) throws IOException {
        if (body.length < length) {
            body = new byte[Math.max(length, body.length * 2)];
        }
        int have = Math.min(length, lim - pos);
        System.arraycopy(buf, pos, body, 0, have);
        pos += have;
        while (have < length) {
            int n = in.read(body, have, length - have);
            if (n < 0) {
                throw new EOFException("end of stream in a body");
            }
            have += n;
        }
        bodyLength = length;
    }

    /** The status code of a response head (0 for a request head). */
    public int status() {
        int sp = headStart;
        while (sp < headEnd && buf[sp] != ' ') {
            sp++;
        }
        if (sp + 4 > headEnd || buf[headStart] != 'H') {
            return 0;
        }
        return (buf[sp + 1] - '0') * 100 + (buf[sp + 2] - '0') * 10 + (buf[sp + 3] - '0');
    }

    /** The first bytes of the request line, to tell methods apart: 'G' for GET, 'P' for POST. */
    public byte firstByte() {
        return buf[headStart];
    }

    public int bodyLength() {
        return bodyLength;
    }

    public byte[] body() {
        return body;
    }

    /** Copies the value of a header (lower-case name) into {@code dest} at {@code off}; answers its length or -1. */
    public int headerInto(String lowerCaseName, byte[] dest, int off) {
        int at = findHeaderValue(lowerCaseName);
        if (at < 0) {
            return -1;
        }
        int end = at;
        while (end < headEnd && buf[end] != '\r') {
            end++;
        }
        System.arraycopy(buf, at, dest, off, end - at);
        return end - at;
    }

    /** A header's value as a String, or null (allocates; not for hot loops). */
    public String header(String lowerCaseName) {
        int at = findHeaderValue(lowerCaseName);
        if (at < 0) {
            return null;
        }
        int end = at;
        while (end < headEnd && buf[end] != '\r') {
            end++;
        }
        return new String(buf, at, end - at, StandardCharsets.ISO_8859_1);
    }

    private long headerLong(String lowerCaseName) {
        int at = findHeaderValue(lowerCaseName);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        for (int i = at; i < headEnd && buf[i] >= '0' && buf[i] <= '9'; i++) {
            value = value * 10 + (buf[i] - '0');
        }
        return value;
    }

    /** The index where the value of the header starts (after the colon and spaces), or -1. */
    private int findHeaderValue(String name) {
        int n = name.length();
        int line = headStart;
        while (line < headEnd) {
            int next = line;
            while (next < headEnd && buf[next] != '\n') {
                next++;
            }
            next++;
            if (line + n < headEnd && buf[line + n] == ':' && matches(line, name)) {
                int v = line + n + 1;
                while (v < headEnd && (buf[v] == ' ' || buf[v] == '\t')) {
                    v++;
                }
                return v;
            }
            line = next;
        }
        return -1;
    }

    private boolean matches(int at, String lowerCaseName) {
        for (int i = 0; i < lowerCaseName.length(); i++) {
            int c = buf[at + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lowerCaseName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
