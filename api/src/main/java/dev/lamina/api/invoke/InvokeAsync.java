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
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /2014-11-13/functions/{name}/invoke-async}: the deprecated InvokeAsync. The body is the event itself
 * (at most 256 KB, one JSON value); it is queued durably like an Event invoke and answered with 202 and
 * {@code {"Status":202}}.
 */
public record InvokeAsync(ApiContext ctx) implements Operation {

    /** 256 KB: InvokeAsync's limit (the Event invoke's grew to 1 MB; this one did not). */
    static final int MAX_PAYLOAD = 262_144;

    private static final byte[] EMPTY_EVENT = "{}".getBytes(StandardCharsets.US_ASCII);

    @Override
    public ApiResponse handle(ApiRequest request) {
        Aliases.Resolved resolved =
                ctx.aliases().resolve(request.path("name"), null, ThreadLocalRandom.current()::nextDouble);
        byte[] payload = request.body();
        if (payload.length > MAX_PAYLOAD) {
            throw new LambdaException(
                    ErrorCode.REQUEST_TOO_LARGE,
                    "Request must be smaller than " + MAX_PAYLOAD + " bytes for the InvokeAsync operation");
        }
        payload = payload.length == 0 ? EMPTY_EVENT : Invoke.requireJson(payload);
        if (ctx.async() == null) {
            throw new LambdaException(ErrorCode.SERVICE, "Asynchronous invocation is not running on this server.");
        }
        FunctionDeployment deployment = resolved.entry().deployment();
        ctx.async()
                .accept(
                        request.requestId(),
                        deployment.functionName(),
                        resolved.qualifier(),
                        ctx.settings().functionArn(deployment.functionName(), resolved.qualifier()),
                        payload,
                        request.header("x-amzn-trace-id"));
        return ApiResponse.json(202, Wire.JSON.createObjectNode().put("Status", 202));
    }
}
