package dev.lamina.api.async;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.async.EventInvokeConfig;

/**
 * {@code PUT /2019-09-25/functions/{name}/event-invoke-config[?Qualifier=]}: sets the whole config of the function,
 * version or alias (what the request leaves out is removed); 200 with the FunctionEventInvokeConfig.
 */
public record PutFunctionEventInvokeConfig(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        EventInvokeConfig c = ctx.async()
                .configs()
                .put(request.path("name"), request.query("Qualifier"), EventInvokeConfigWire.change(request.json()));
        return ApiResponse.json(200, EventInvokeConfigWire.config(c, ctx.settings()));
    }
}
