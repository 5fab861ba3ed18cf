package dev.lamina.benchmarks.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The floor's server: the least an HTTP/1.1 keep-alive server can do. One platform thread per connection parses the
 * request head and body in place and answers a fixed 200 with a 2-byte JSON body, allocating nothing per request.
 * Bound to 127.0.0.1 and an ephemeral port.
 */
public final class MiniHttpServer implements AutoCloseable {

    public static final byte[] RESPONSE =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                    .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket socket;
    private volatile boolean closed;

    public MiniHttpServer() throws IOException {
        socket = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("mini-http-accept").start(this::acceptLoop);
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                Thread.ofPlatform().daemon().name("mini-http-conn").start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket s) {
        try (HttpConnection c = new HttpConnection(s)) {
            while (c.readMessage()) {
                c.write(RESPONSE);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
