package dev.lamina.api.invoke;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.controlplane.Aliases;
import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import dev.lamina.model.FunctionDeployment;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Invoke with {@code X-Amz-Invocation-Type: Event}: the event is checked as AWS checks it (at most 1 MB, one JSON
 * value), queued durably, and answered with 202, an empty body and the event's request id in
 * {@code x-amzn-RequestId}: the id the function will see. The 202 leaves only once the event is on disk.
 */
final class EventInvoke {

    /** 1 MB: the asynchronous request limit (since October 2025; 256 KB before). */
    static final int MAX_EVENT_PAYLOAD = 1_048_576;

    private static final byte[] EMPTY_EVENT = "{}".getBytes(StandardCharsets.US_ASCII);

    private EventInvoke() {}

    static ApiResponse accept(ApiContext ctx, ApiRequest request, Aliases.Resolved resolved) {
        byte[] payload = request.body();
        if (payload.length > MAX_EVENT_PAYLOAD) {
            throw new LambdaException(
                    ErrorCode.REQUEST_TOO_LARGE,
                    "Request must be smaller than " + MAX_EVENT_PAYLOAD + " bytes for the InvokeFunction operation");
        }
        payload = payload.length == 0 ? EMPTY_EVENT : Invoke.requireJson(payload);
        checkClientContext(request.header("x-amz-client-context")); // checked, not passed: AWS passes it to sync only
        if (ctx.async() == null) {
            throw new LambdaException(ErrorCode.SERVICE, "Asynchronous invocation is not running on this server.");
        }
        FunctionDeployment deployment = resolved.entry().deployment();
        String invokedArn = ctx.settings().functionArn(deployment.functionName(), resolved.qualifier());
        ctx.async()
                .accept(
                        request.requestId(),
                        deployment.functionName(),
                        resolved.qualifier(),
                        invokedArn,
                        payload,
                        request.header("x-amzn-trace-id"));
        return ApiResponse.empty(202);
    }

    private static void checkClientContext(String header) {
        if (header == null || header.isEmpty()) {
            return;
        }
        if (header.length() > 3583) {
            throw new LambdaException(ErrorCode.INVALID_REQUEST_CONTENT, "Client context must be 3583 bytes or less.");
        }
        try {
            Base64.getDecoder().decode(header);
        } catch (IllegalArgumentException e) {
            throw new LambdaException(
                    ErrorCode.INVALID_REQUEST_CONTENT, "Client context must be a valid Base64-encoded JSON object.");
        }
    }
}
