package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;

/** {@code GET /2015-03-31/functions/{name}/configuration}. */
public record GetFunctionConfiguration(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        var record = ctx.aliases()
                .resolve(request.path("name"), request.query("Qualifier"))
                .entry()
                .record();
        return ApiResponse.json(200, Wire.configuration(record, ctx.settings()));
    }
}
