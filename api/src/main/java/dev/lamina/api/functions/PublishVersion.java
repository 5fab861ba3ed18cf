package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;

/** {@code POST /2015-03-31/functions/{name}/versions}: 201 with the version's configuration. */
public record PublishVersion(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        request.json();
        var record = ctx.functions().publishVersion(request.path("name"));
        return ApiResponse.json(201, Wire.configuration(record, ctx.settings()));
    }
}
