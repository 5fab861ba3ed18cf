package dev.lamina.api.aliases;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import tools.jackson.databind.JsonNode;

/** {@code PUT /2015-03-31/functions/{name}/aliases/{alias}}. */
public record UpdateAlias(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        JsonNode body = request.json();
        var alias = ctx.aliases()
                .update(
                        request.path("name"),
                        request.path("alias"),
                        Wire.text(body, "FunctionVersion"),
                        Wire.text(body, "Description"),
                        AliasWire.weights(body),
                        Wire.text(body, "RevisionId"));
        return ApiResponse.json(200, AliasWire.configuration(alias, ctx.settings()));
    }
}
