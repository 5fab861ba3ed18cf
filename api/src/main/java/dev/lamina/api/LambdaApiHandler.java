package dev.lamina.api;

import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import dev.lamina.engine.invoke.Throttled;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty handler in front of every operation: decodes the HTTP request, finds the route, starts the operation, and
 * writes its answer. Every answer carries {@code x-amzn-RequestId}; every failure goes through {@link ErrorResponses}.
 *
 * <p>Threading: the handler is non-blocking, so Jetty runs it on the selector thread that read the request. It reads
 * the body without waiting and calls {@link Operation#start}, which runs what may block on a virtual thread; a warm
 * invoke instead hands its event over at once and is answered from the thread that reads the runtime's response.
 */
public final class LambdaApiHandler extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(LambdaApiHandler.class);

    /** The largest body read: a 50 MB zip, base64-encoded in JSON, with room to spare. */
    static final int MAX_BODY = 80 * 1024 * 1024;

    private final Routes routes;
    private final Executor blocking;

    /** @param blocking runs the operations' work that may block (a virtual thread per task) */
    public LambdaApiHandler(ApiContext ctx, Executor blocking) {
        super(InvocationType.NON_BLOCKING);
        this.routes = new Routes(ctx);
        this.blocking = blocking;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String requestId = UUID.randomUUID().toString();
        String path = request.getHttpURI().getPath();
        Optional<Routes.Match> match = routes.match(request.getMethod(), path);
        if (match.isEmpty()) {
            write(
                    response,
                    callback,
                    requestId,
                    ErrorResponses.of(
                            ErrorCode.UNKNOWN_OPERATION, "No operation answers " + request.getMethod() + " " + path));
            return true;
        }
        if (request.getLength() > MAX_BODY) {
            write(response, callback, requestId, tooLarge());
            return true;
        }
        Content.Source.asByteArrayAsync(
                request, MAX_BODY, Promise.Invocable.from(InvocationType.NON_BLOCKING, (body, failure) -> {
                    if (failure != null) {
                        // over MAX_BODY without a Content-Length, or the connection failed while reading
                        if (failure instanceof BufferOverflowException || failure instanceof IllegalArgumentException) {
                            write(response, callback, requestId, tooLarge());
                        } else {
                            callback.failed(failure);
                        }
                        return;
                    }
                    CompletableFuture<ApiResponse> answer;
                    try {
                        answer = match.get()
                                .operation()
                                .start(apiRequest(request, match.get(), body, requestId), blocking);
                    } catch (RuntimeException e) {
                        answer = CompletableFuture.failedFuture(e);
                    }
                    answer.whenComplete((ok, error) -> write(
                            response, callback, requestId, ok != null ? ok : errorAnswer(error, request, requestId)));
                }));
        return true;
    }

    private static ApiResponse tooLarge() {
        return ErrorResponses.of(
                ErrorCode.REQUEST_ENTITY_TOO_LARGE, "Request must be smaller than " + MAX_BODY + " bytes");
    }

    /** The one place where an operation's failure becomes its wire form. */
    private static ApiResponse errorAnswer(Throwable error, Request request, String requestId) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return switch (cause) {
            case LambdaException e -> ErrorResponses.of(e);
            case Throttled e -> ErrorResponses.throttled(e.reason(), e.getMessage());
            default -> {
                log.error(
                        "request {} {} failed",
                        request.getMethod(),
                        request.getHttpURI().getPath(),
                        cause);
                yield ErrorResponses.internal(requestId);
            }
        };
    }

    private static void write(Response response, Callback callback, String requestId, ApiResponse answer) {
        response.setStatus(answer.status());
        response.getHeaders().put("x-amzn-RequestId", requestId);
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put("Content-Length", answer.body().length);
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }

    private static ApiRequest apiRequest(Request request, Routes.Match match, byte[] body, String requestId) {
        Map<String, String> headers = new HashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.putIfAbsent(field.getLowerCaseName(), field.getValue());
        }
        Map<String, List<String>> query = new HashMap<>();
        Fields fields = Request.extractQueryParameters(request);
        for (Fields.Field f : fields) {
            query.put(f.getName(), f.getValues());
        }
        String endpoint = request.getHttpURI().getScheme() + "://" + Request.getServerName(request) + ":"
                + Request.getServerPort(request);
        return new ApiRequest(
                match.pathParams(),
                query,
                headers,
                body,
                requestId,
                endpoint.toLowerCase(Locale.ROOT).startsWith("http") ? endpoint : "http://" + endpoint);
    }
}
