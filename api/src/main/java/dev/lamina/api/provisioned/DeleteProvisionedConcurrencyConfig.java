package dev.lamina.api.provisioned;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;

/** {@code DELETE /2019-09-30/functions/{name}/provisioned-concurrency?Qualifier=}: 204. */
public record DeleteProvisionedConcurrencyConfig(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        ctx.provisioned().delete(request.path("name"), request.query("Qualifier"));
        return ApiResponse.empty(204);
    }
}
