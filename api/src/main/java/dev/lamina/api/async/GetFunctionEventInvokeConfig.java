package dev.lamina.api.async;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;

/** {@code GET /2019-09-25/functions/{name}/event-invoke-config[?Qualifier=]}: 200 with the config, or 404. */
public record GetFunctionEventInvokeConfig(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        return ApiResponse.json(
                200,
                EventInvokeConfigWire.config(
                        ctx.async().configs().get(request.path("name"), request.query("Qualifier")), ctx.settings()));
    }
}
