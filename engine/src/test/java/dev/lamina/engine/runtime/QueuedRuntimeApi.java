package dev.lamina.engine.runtime;

import dev.lamina.engine.runtimeapi.Response;
import dev.lamina.engine.runtimeapi.RuntimeApi;
import dev.lamina.engine.runtimeapi.RuntimeApiServer;
import dev.lamina.engine.runtimeapi.WaitingNext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Runtime API for tests of a bootstrap on its own: {@code GET /next} serves queued events (a waiting one blocks
 * the connection's thread for up to a minute), and whatever the runtime posts (a response, an error, an init error)
 * is recorded as its answer. It serves on a {@link RuntimeApiServer} of its own.
 */
final class QueuedRuntimeApi implements RuntimeApi, AutoCloseable {

    private record Event(byte[] body, String traceId) {}

    private final String functionArn;
    /** Replaced by {@link #newProcess}: a {@code GET /next} left waiting by a stopped runtime must not take an event. */
    private volatile BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    final BlockingQueue<byte[]> answers = new LinkedBlockingQueue<>();
    /** {@code GET /next} requests since the last {@link #newProcess}. */
    volatile int nexts;

    private RuntimeApiServer server;

    private QueuedRuntimeApi(String functionName) {
        this.functionArn = "arn:aws:lambda:us-east-1:000000000000:function:" + functionName;
    }

    /** A new API, serving on its own server, for a function of that name. */
    static QueuedRuntimeApi serving(String functionName) {
        QueuedRuntimeApi api = new QueuedRuntimeApi(functionName);
        try {
            api.server = new RuntimeApiServer(api);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return api;
    }

    /** The value for {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Queues an event, with a {@code Lambda-Runtime-Trace-Id} unless {@code traceId} is null. */
    void add(String json, String traceId) {
        events.add(new Event(json.getBytes(StandardCharsets.UTF_8), traceId));
    }

    /** Forgets the events and {@code /next} requests of the runtime before. */
    void newProcess() {
        nexts = 0;
        events = new LinkedBlockingQueue<>();
    }

    /** The runtime's next answer, or null after 30 s. */
    byte[] awaitAnswer() throws InterruptedException {
        return answers.poll(30, TimeUnit.SECONDS);
    }

    @Override
    public Response next(WaitingNext waiting) {
        nexts++;
        BlockingQueue<Event> queue = events;
        try {
            Event event = queue.poll(60, TimeUnit.SECONDS);
            if (event == null) {
                return Response.json(500, RuntimeApi.errorBody("Runtime.Stopped", "no event"));
            }
            List<String> headers = new ArrayList<>(List.of(
                    "Lambda-Runtime-Aws-Request-Id",
                    UUID.randomUUID().toString(),
                    "Lambda-Runtime-Deadline-Ms",
                    Long.toString(System.currentTimeMillis() + 60_000),
                    "Lambda-Runtime-Invoked-Function-Arn",
                    functionArn));
            if (event.traceId() != null) {
                headers.add("Lambda-Runtime-Trace-Id");
                headers.add(event.traceId());
            }
            return new Response(200, "application/json", event.body(), headers.toArray(String[]::new));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.json(500, RuntimeApi.errorBody("Runtime.Stopped", "interrupted"));
        }
    }

    @Override
    public Response response(String requestId, byte[] body) {
        answers.add(body);
        return Response.accepted();
    }

    @Override
    public Response error(String requestId, String errorType, byte[] body) {
        answers.add(body);
        return Response.accepted();
    }

    @Override
    public Response responseTooLarge(String requestId) {
        return Response.accepted();
    }

    @Override
    public Response initError(String errorType, byte[] body) {
        answers.add(body);
        return Response.accepted();
    }
}
