package dev.lamina.api.concurrency;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;

/** {@code GET /2019-09-30/functions/{name}/concurrency}: empty when the function has no reservation. */
public record GetFunctionConcurrency(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        var body = Wire.JSON.createObjectNode();
        ctx.concurrency().get(request.path("name")).ifPresent(v -> body.put("ReservedConcurrentExecutions", v));
        return ApiResponse.json(200, body);
    }
}
