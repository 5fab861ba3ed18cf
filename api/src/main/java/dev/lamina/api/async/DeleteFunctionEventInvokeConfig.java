package dev.lamina.api.async;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;

/**
 * {@code DELETE /2019-09-25/functions/{name}/event-invoke-config[?Qualifier=]}: 204; the defaults apply again (two
 * retries, six hours, no destinations).
 */
public record DeleteFunctionEventInvokeConfig(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        ctx.async().configs().delete(request.path("name"), request.query("Qualifier"));
        return ApiResponse.empty(204);
    }
}
