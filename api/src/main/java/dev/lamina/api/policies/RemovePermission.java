package dev.lamina.api.policies;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;

/** {@code DELETE /2015-03-31/functions/{name}/policy/{sid}}: 204. */
public record RemovePermission(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        ctx.policies()
                .remove(
                        request.path("name"),
                        request.query("Qualifier"),
                        request.path("sid"),
                        request.query("RevisionId"));
        return ApiResponse.empty(204);
    }
}
