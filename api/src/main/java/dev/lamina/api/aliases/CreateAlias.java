package dev.lamina.api.aliases;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import tools.jackson.databind.JsonNode;

/** {@code POST /2015-03-31/functions/{name}/aliases}: 201 with the AliasConfiguration. */
public record CreateAlias(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        JsonNode body = request.json();
        var alias = ctx.aliases()
                .create(
                        request.path("name"),
                        Wire.text(body, "Name"),
                        Wire.text(body, "FunctionVersion"),
                        Wire.text(body, "Description"),
                        AliasWire.weights(body));
        return ApiResponse.json(201, AliasWire.configuration(alias, ctx.settings()));
    }
}
