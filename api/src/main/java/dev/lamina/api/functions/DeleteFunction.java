package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;

/** {@code DELETE /2015-03-31/functions/{name}}: 204, and the function's instances stop. */
public record DeleteFunction(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        ctx.functions().delete(request.path("name"), request.query("Qualifier"));
        return ApiResponse.empty(204);
    }
}
