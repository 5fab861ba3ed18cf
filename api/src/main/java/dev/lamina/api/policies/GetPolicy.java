package dev.lamina.api.policies;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;

/** {@code GET /2015-03-31/functions/{name}/policy}: the policy document as a JSON string, and its RevisionId. */
public record GetPolicy(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        var policy = ctx.policies().get(request.path("name"), request.query("Qualifier"));
        return ApiResponse.json(
                200,
                Wire.JSON.createObjectNode().put("Policy", policy.document()).put("RevisionId", policy.revisionId()));
    }
}
