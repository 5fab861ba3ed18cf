package dev.lamina.api.tags;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;

/** {@code GET /2017-03-31/tags/{arn}}: {@code {"Tags": {...}}}. */
public record ListTags(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        var body = Wire.JSON.createObjectNode();
        var tags = body.putObject("Tags");
        ctx.tags().list(request.path("arn")).forEach(tags::put);
        return ApiResponse.json(200, body);
    }
}
