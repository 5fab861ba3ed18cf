package dev.lamina.api.provisioned;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;

/** {@code PUT /2019-09-30/functions/{name}/provisioned-concurrency?Qualifier=}: 202, IN_PROGRESS until ready. */
public record PutProvisionedConcurrencyConfig(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        var status = ctx.provisioned()
                .put(
                        request.path("name"),
                        request.query("Qualifier"),
                        Wire.integer(request.json(), "ProvisionedConcurrentExecutions"));
        return ApiResponse.json(202, ProvisionedWire.config(status));
    }
}
