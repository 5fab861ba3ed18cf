package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /2015-03-31/functions/{name}/versions}: 201 with the version's configuration; CodeSha256 and RevisionId,
 * when given, must match $LATEST.
 */
public record PublishVersion(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        JsonNode body = request.json();
        var record = ctx.functions()
                .publishVersion(
                        request.path("name"),
                        Wire.text(body, "CodeSha256"),
                        Wire.text(body, "RevisionId"),
                        Wire.text(body, "Description"));
        return ApiResponse.json(201, Wire.configuration(record, ctx.settings()));
    }
}
