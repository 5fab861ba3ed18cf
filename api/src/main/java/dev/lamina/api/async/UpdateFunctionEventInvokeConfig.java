package dev.lamina.api.async;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.async.EventInvokeConfig;

/**
 * {@code POST /2019-09-25/functions/{name}/event-invoke-config[?Qualifier=]}: changes the settings the request
 * gives and keeps the others; 404 when there is no config yet. 200 with the FunctionEventInvokeConfig.
 */
public record UpdateFunctionEventInvokeConfig(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        EventInvokeConfig c = ctx.async()
                .configs()
                .update(request.path("name"), request.query("Qualifier"), EventInvokeConfigWire.change(request.json()));
        return ApiResponse.json(200, EventInvokeConfigWire.config(c, ctx.settings()));
    }
}
