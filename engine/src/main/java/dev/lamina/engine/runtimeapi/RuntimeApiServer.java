package dev.lamina.engine.runtimeapi;

import dev.lamina.engine.runtimeapi.RequestReader.Head;
import dev.lamina.engine.runtimeapi.RequestReader.Route;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lambda Runtime API endpoint of one instance: a minimal HTTP/1.1 server on 127.0.0.1 and an ephemeral port.
 *
 * <p>Why one listener per instance: the Runtime API carries no instance identity ({@code GET /next} has no id), and
 * the official runtime interface clients parse {@code AWS_LAMBDA_RUNTIME_API} as a bare {@code host:port}, so the
 * port is what tells instances apart. Why our own server: the protocol is four routes with long polls; a virtual
 * thread per connection blocked in a read is all a waiting runtime costs, and a hand-written parser ({@link
 * RequestReader}, {@link ResponseWriter}) keeps the hot path short (no selector threads per instance). See
 * docs/adr/0002-runtime-api-server.md.
 *
 * <p>Threading: one virtual thread accepts; one platform thread per connection reads requests in order and calls the
 * {@link RuntimeApi} synchronously. A {@code GET /next} that finds no work is kept by the instance as a {@link
 * WaitingNext}, and the connection's thread goes back to reading at once: the thread that hands an invocation over
 * writes the event itself (a large one through a short-lived virtual thread, see {@link #MAX_DIRECT_ANSWER}), so an
 * invoke wakes this thread only when the runtime's answer arrives. Each connection's lock serialises its writes.
 *
 * <p>Why platform threads: a virtual thread's blocking read parks it and registers the socket with the JDK's poller,
 * so each request the runtime sends wakes two threads (the poller, then a carrier) where a platform thread's read
 * wakes one; with two requests per invoke ({@code POST /response}, then {@code GET /next}) this is the difference
 * the benchmark's context-switch column shows (docs/benchmarks.md).
 */
public final class RuntimeApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RuntimeApiServer.class);

    /** Bodies above this many bytes are refused: the Runtime API's response limit (6 MiB + 100 bytes). */
    public static final int MAX_BODY = 6 * 1024 * 1024 + 100;

    /**
     * Answers to a kept {@code /next} up to this size are written by the thread that answers; larger ones by a virtual
     * thread of their own, so that the answering thread (an HTTP selector or an invoke's caller) never blocks on a big
     * write.
     */
    static final int MAX_DIRECT_ANSWER = 64 * 1024;

    private static final Response NOT_FOUND =
            Response.json(404, RuntimeApi.errorBody("InvalidRequest", "Unknown Runtime API route"));
    private static final Response TOO_LARGE = Response.json(
            413,
            RuntimeApi.errorBody(
                    "RequestEntityTooLarge", "Exceeded maximum allowed payload size (" + MAX_BODY + " bytes)."));

    private final ServerSocket socket;
    private final RuntimeApi api;
    /** The open connections, each served by its own thread. */
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

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
                Socket accepted = socket.accept();
                accepted.setTcpNoDelay(true);
                Thread.ofPlatform()
                        .daemon()
                        .name("runtime-api-" + socket.getLocalPort())
                        .start(() -> serve(accepted));
            } catch (IOException e) {
                if (!closed) {
                    log.debug("runtime API accept failed", e);
                }
            }
        }
    }

    private void serve(Socket accepted) {
        try (Connection connection = new Connection(accepted)) {
            connections.add(connection);
            if (!closed) { // else closed meanwhile: ends at once
                connection.serve();
            }
        } catch (EOFException | SocketException e) {
            // the runtime went away; nothing to answer
        } catch (IOException e) {
            log.debug("runtime API connection failed", e);
        }
    }

    /**
     * Stops listening and closes the connections, which ends their threads: a process that outlived the runtime (a
     * child it started outside a sandbox) may still hold a connection open.
     */
    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing runtime API socket", e);
        }
        connections.forEach(Connection::close);
    }

    /** One runtime connection: its request loop, and its {@code /next} while the instance keeps it. */
    private final class Connection implements WaitingNext, AutoCloseable {

        private final Socket socket;
        private final RequestReader reader;
        /** Serialises writes, and guards the fields below. */
        private final ReentrantLock writing = new ReentrantLock();

        private final Condition answered = writing.newCondition();
        private final ResponseWriter writer;
        /** A {@code /next} of this connection is kept by the instance and not answered yet. */
        private boolean waiting;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.reader = new RequestReader(socket.getInputStream());
            this.writer = new ResponseWriter(socket.getOutputStream());
        }

        void serve() throws IOException {
            while (!closed) {
                Head head = reader.readHead();
                if (head == null) {
                    return;
                }
                // A runtime sends its next request only once the kept /next is answered; one that pipelines waits here,
                // so that answers go out in order.
                awaitAnswer();
                if (head.expectContinue()) {
                    writeContinue();
                }
                Response response = route(head, reader.readBody(head));
                if (response != Response.LATER) {
                    write(response);
                }
                if (head.close()) {
                    awaitAnswer(); // the kept /next, if any, is answered before the connection closes
                    return;
                }
            }
        }

        private Response route(Head head, byte[] body) {
            if (body == null) { // over MAX_BODY, drained
                return head.route() == Route.RESPONSE ? api.responseTooLarge(head.requestId()) : TOO_LARGE;
            }
            return switch (head.route()) {
                case NEXT -> next();
                case RESPONSE -> api.response(head.requestId(), body);
                case ERROR -> api.error(head.requestId(), head.errorType(), body);
                case INIT_ERROR -> api.initError(head.errorType(), body);
                case NOT_FOUND -> NOT_FOUND;
            };
        }

        private Response next() {
            setWaiting(true); // before the instance can keep it and answer it from another thread
            Response response = api.next(this);
            if (response != Response.LATER) {
                setWaiting(false);
            }
            return response;
        }

        private void write(Response response) throws IOException {
            writing.lock();
            try {
                writer.write(response);
            } finally {
                writing.unlock();
            }
        }

        private void writeContinue() throws IOException {
            writing.lock();
            try {
                writer.writeContinue();
            } finally {
                writing.unlock();
            }
        }

        // ---- WaitingNext: called by the instance, on the thread that has the answer ----------------------------

        @Override
        public boolean answer(Response response) {
            writing.lock();
            try {
                if (!waiting) {
                    return false;
                }
                if (response.body().length > MAX_DIRECT_ANSWER) {
                    // Written by a thread of its own; the /next stays waiting until then, so that nothing overtakes it.
                    Thread.ofVirtual().start(() -> answerLater(response));
                    return true;
                }
                writer.write(response);
                answered();
                return true;
            } catch (IOException e) {
                log.debug("runtime API connection failed while answering /next", e);
                answered();
                close();
                return false;
            } finally {
                writing.unlock();
            }
        }

        private void answerLater(Response response) {
            writing.lock();
            try {
                writer.write(response);
            } catch (IOException e) {
                log.debug("runtime API connection failed while answering /next", e);
                close();
            } finally {
                answered();
                writing.unlock();
            }
        }

        /** The kept {@code /next} is answered (or abandoned). Holds the lock. */
        private void answered() {
            waiting = false;
            answered.signal();
        }

        @Override
        public void abandon() {
            writing.lock();
            try {
                waiting = false;
                answered.signal();
            } finally {
                writing.unlock();
            }
            close();
        }

        private void setWaiting(boolean value) {
            writing.lock();
            try {
                waiting = value;
            } finally {
                writing.unlock();
            }
        }

        /** Waits until no {@code /next} of this connection is kept unanswered. */
        private void awaitAnswer() {
            writing.lock();
            try {
                while (waiting) {
                    answered.awaitUninterruptibly();
                }
            } finally {
                writing.unlock();
            }
        }

        @Override
        public void close() {
            connections.remove(this);
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
