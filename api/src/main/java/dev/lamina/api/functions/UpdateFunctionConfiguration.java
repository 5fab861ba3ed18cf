package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import tools.jackson.databind.JsonNode;

/** {@code PUT /2015-03-31/functions/{name}/configuration}. */
public record UpdateFunctionConfiguration(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        JsonNode body = request.json();
        var record = ctx.functions()
                .updateConfiguration(request.path("name"), Wire.settings(body), Wire.text(body, "RevisionId"));
        return ApiResponse.json(200, Wire.configuration(record, ctx.settings()));
    }
}
