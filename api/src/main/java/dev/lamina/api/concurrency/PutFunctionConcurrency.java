package dev.lamina.api.concurrency;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;

/** {@code PUT /2017-10-31/functions/{name}/concurrency}. */
public record PutFunctionConcurrency(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        int value = ctx.concurrency()
                .put(request.path("name"), Wire.integer(request.json(), "ReservedConcurrentExecutions"));
        return ApiResponse.json(200, Wire.JSON.createObjectNode().put("ReservedConcurrentExecutions", value));
    }
}
