package dev.lamina.api.invoke;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import dev.lamina.controlplane.Aliases;
import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Invocation;
import dev.lamina.model.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * {@code POST /2015-03-31/functions/{name}/invocations}: the invoke hot path's entry.
 *
 * <p>Checks what AWS checks before running anything (the function exists, the invocation type, the payload is JSON and
 * within 6 MB), hands the invocation to the engine, and answers with the function's bytes and AWS's headers. An
 * {@code Event} invocation is queued instead ({@link EventInvoke}) and answered with 202.
 */
public record Invoke(ApiContext ctx) implements Operation {

    /** 6 MB: the synchronous request limit. */
    static final int MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;

    /** Larger payloads are checked on a thread that may block (see {@link #start}). */
    static final int MAX_INLINE_PAYLOAD = 64 * 1024;

    private static final byte[] EMPTY_EVENT = "{}".getBytes(StandardCharsets.US_ASCII);

    @Override
    public ApiResponse handle(ApiRequest request) {
        Aliases.Resolved resolved = resolve(request);
        String type = invocationType(request);
        if (type.equals("Event")) {
            return EventInvoke.accept(ctx, request, resolved);
        }
        Invocation invocation = invocation(request, resolved);
        if (type.equals("DryRun")) {
            return ApiResponse.empty(204);
        }
        return answer(ctx.engine().invoke(resolved.entry().deployment(), invocation));
    }

    /**
     * The hot path: a synchronous invocation is handed to an idle warm instance on the calling (selector) thread, and
     * answered on the thread that reads the runtime's response; only when no instance is idle does it wait for one
     * on {@code blocking}. The rest is all {@link #handle} on {@code blocking}: other invocation types (an
     * {@code Event} is written to the store), and payloads over {@link #MAX_INLINE_PAYLOAD} (checking that 6 MB are
     * one JSON value takes milliseconds, which the selector's other connections would wait).
     */
    @Override
    public CompletableFuture<ApiResponse> start(ApiRequest request, Executor blocking) {
        String type = request.header("x-amz-invocation-type");
        if ((type != null && !type.equals("RequestResponse")) || request.body().length > MAX_INLINE_PAYLOAD) {
            return CompletableFuture.supplyAsync(() -> handle(request), blocking);
        }
        Aliases.Resolved resolved = resolve(request);
        Invocation invocation = invocation(request, resolved);
        FunctionDeployment deployment = resolved.entry().deployment();
        CompletableFuture<InvocationResult> result = ctx.engine().tryInvokeWarm(deployment, invocation);
        if (result == null) {
            result = CompletableFuture.supplyAsync(() -> ctx.engine().invoke(deployment, invocation), blocking);
        }
        return result.thenApply(Invoke::answer);
    }

    private Aliases.Resolved resolve(ApiRequest request) {
        return ctx.aliases()
                .resolve(request.path("name"), request.query("Qualifier"), ThreadLocalRandom.current()::nextDouble);
    }

    private static String invocationType(ApiRequest request) {
        String type = request.header("x-amz-invocation-type");
        if (type == null) {
            return "RequestResponse";
        }
        return switch (type) {
            case "RequestResponse", "DryRun", "Event" -> type;
            default ->
                throw new LambdaException(
                        ErrorCode.VALIDATION,
                        "1 validation error detected: Value '" + type
                                + "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
        };
    }

    /** The invocation the request asks for, once its payload and client context are valid. */
    private Invocation invocation(ApiRequest request, Aliases.Resolved resolved) {
        byte[] payload = request.body();
        if (payload.length > MAX_SYNC_PAYLOAD) {
            throw new LambdaException(
                    ErrorCode.REQUEST_TOO_LARGE,
                    "Request must be smaller than " + MAX_SYNC_PAYLOAD + " bytes for the InvokeFunction operation");
        }
        payload = payload.length == 0 ? EMPTY_EVENT : requireJson(payload);
        String clientContext = clientContext(request.header("x-amz-client-context"));
        FunctionDeployment deployment = resolved.entry().deployment();
        // The function sees the ARN the caller used, with its qualifier, as on AWS.
        String invokedArn = ctx.settings().functionArn(deployment.functionName(), resolved.qualifier());
        boolean tail = "Tail".equals(request.header("x-amz-log-type"));
        return new Invocation(
                request.requestId(), payload, invokedArn, tail, clientContext, request.header("x-amzn-trace-id"));
    }

    /** The function's bytes with AWS's headers. */
    private static ApiResponse answer(InvocationResult result) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Amz-Executed-Version", result.executedVersion());
        if (result.failed()) {
            headers.put("X-Amz-Function-Error", result.functionError());
        }
        if (result.logTail() != null) {
            headers.put(
                    "X-Amz-Log-Result",
                    Base64.getEncoder().encodeToString(result.logTail().getBytes(StandardCharsets.UTF_8)));
        }
        return new ApiResponse(200, headers, result.payload());
    }

    /** The payload unchanged when it is one JSON value; otherwise AWS's InvalidRequestContentException. */
    static byte[] requireJson(byte[] payload) {
        try (JsonParser parser = Wire.JSON.createParser(payload)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return EMPTY_EVENT;
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new LambdaException(
                        ErrorCode.INVALID_REQUEST_CONTENT,
                        "Could not parse request body into json:"
                                + " Could not parse payload into json: Unexpected content after the JSON value");
            }
            return payload;
        } catch (JacksonException e) {
            throw new LambdaException(
                    ErrorCode.INVALID_REQUEST_CONTENT,
                    "Could not parse request body into json:" + " Could not parse payload into json: "
                            + e.getOriginalMessage());
        }
    }

    /** The X-Amz-Client-Context header, base64-decoded for the runtime. */
    private static String clientContext(String header) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        if (header.length() > 3583) {
            throw new LambdaException(ErrorCode.INVALID_REQUEST_CONTENT, "Client context must be 3583 bytes or less.");
        }
        try {
            return new String(Base64.getDecoder().decode(header), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new LambdaException(
                    ErrorCode.INVALID_REQUEST_CONTENT, "Client context must be a valid Base64-encoded JSON object.");
        }
    }
}
