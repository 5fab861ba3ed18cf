package dev.lamina.api.tags;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;

/** {@code DELETE /2017-03-31/tags/{arn}?tagKeys=a&tagKeys=b}: 204. */
public record UntagResource(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        ctx.tags().untag(request.path("arn"), request.queryAll("tagKeys"));
        return ApiResponse.empty(204);
    }
}
