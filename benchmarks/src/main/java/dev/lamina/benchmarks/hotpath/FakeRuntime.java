package dev.lamina.benchmarks.hotpath;

import dev.lamina.benchmarks.net.HttpConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A no-op function's runtime that lives on a thread of this JVM instead of in a child process: it speaks the real
 * Lambda Runtime API over loopback HTTP/1.1 to its instance's {@code RuntimeApiServer}, on one keep-alive connection,
 * as Lamina's Python bootstrap does. {@code GET /next}, then {@code POST /invocation/{id}/response} with {@code {}},
 * forever. It allocates nothing per invocation once warm, so that allocation measured around it is the platform's.
 */
final class FakeRuntime implements Runnable {

    private static final String RUNTIME = "/2018-06-01/runtime";
    private static final byte[] NEXT = ("GET " + RUNTIME + "/invocation/next HTTP/1.1\r\nHost: runtime\r\n"
                    + "User-Agent: lamina-bench-fake-runtime\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POST_PREFIX = ("POST " + RUNTIME + "/invocation/").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POST_SUFFIX = ("/response HTTP/1.1\r\nHost: runtime\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
            .getBytes(StandardCharsets.US_ASCII);

    private final String address;
    /** Completes with the exit status when the loop ends. */
    final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private volatile HttpConnection connection;
    private volatile int killedWith;

    FakeRuntime(String address) {
        this.address = address;
    }

    @Override
    public void run() {
        byte[] post = new byte[512];
        System.arraycopy(POST_PREFIX, 0, post, 0, POST_PREFIX.length);
        try (HttpConnection c = HttpConnection.connect(address)) {
            connection = c;
            if (killedWith != 0) {
                return;
            }
            while (true) {
                c.write(NEXT);
                if (!c.readMessage()) {
                    return;
                }
                if (c.status() != 200) {
                    throw new IOException("GET /next answered " + c.status());
                }
                int idLength = c.headerInto("lambda-runtime-aws-request-id", post, POST_PREFIX.length);
                int n = POST_PREFIX.length + idLength;
                System.arraycopy(POST_SUFFIX, 0, post, n, POST_SUFFIX.length);
                c.write(post, 0, n + POST_SUFFIX.length);
                if (!c.readMessage()) {
                    return;
                }
            }
        } catch (IOException e) {
            // killed (the socket was closed under us), or the instance went away
        } finally {
            exit.complete(killedWith != 0 ? killedWith : 1);
        }
    }

    /** As SIGKILL: drops the connection; the loop ends and the "process" exits with 128 + 9. */
    void kill(int status) {
        killedWith = status;
        HttpConnection c = connection;
        if (c != null) {
            c.close();
        }
    }
}
