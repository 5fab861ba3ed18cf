package dev.lamina.api.aliases;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;

/** {@code DELETE /2015-03-31/functions/{name}/aliases/{alias}}: 204, also when the alias does not exist (as AWS). */
public record DeleteAlias(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        ctx.aliases().delete(request.path("name"), request.path("alias"));
        return ApiResponse.empty(204);
    }
}
