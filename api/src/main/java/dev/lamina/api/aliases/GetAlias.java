package dev.lamina.api.aliases;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;

/** {@code GET /2015-03-31/functions/{name}/aliases/{alias}}. */
public record GetAlias(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        var alias = ctx.aliases().get(request.path("name"), request.path("alias"));
        return ApiResponse.json(200, AliasWire.configuration(alias, ctx.settings()));
    }
}
