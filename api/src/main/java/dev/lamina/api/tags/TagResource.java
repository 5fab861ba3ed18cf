package dev.lamina.api.tags;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;

/** {@code POST /2017-03-31/tags/{arn}}: 204. */
public record TagResource(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        ctx.tags().tag(request.path("arn"), Wire.stringMap(request.json().get("Tags")));
        return ApiResponse.empty(204);
    }
}
