package dev.lamina.api.concurrency;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;

/** {@code DELETE /2017-10-31/functions/{name}/concurrency}: 204. */
public record DeleteFunctionConcurrency(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        ctx.concurrency().delete(request.path("name"));
        return ApiResponse.empty(204);
    }
}
