package dev.lamina.api.provisioned;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;

/** {@code GET /2019-09-30/functions/{name}/provisioned-concurrency?Qualifier=}. */
public record GetProvisionedConcurrencyConfig(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        return ApiResponse.json(
                200,
                ProvisionedWire.config(ctx.provisioned().require(request.path("name"), request.query("Qualifier"))));
    }
}
