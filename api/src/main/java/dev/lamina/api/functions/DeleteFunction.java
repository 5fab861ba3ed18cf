package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.controlplane.Functions;

/** {@code DELETE /2015-03-31/functions/{name}}: 204, and the function's instances stop. */
public record DeleteFunction(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        var ref = Functions.FunctionRef.parse(request.path("name"), request.query("Qualifier"));
        String name = ctx.functions().get(ref.name(), null).record().functionName();
        if (ref.qualifier() != null) {
            ctx.aliases().requireUnreferenced(name, ref.qualifier());
            ctx.functions().deleteVersion(name, ref.qualifier());
        } else {
            ctx.functions().delete(name, null);
            ctx.aliases().forget(name);
            ctx.concurrency().forget(name);
        }
        return ApiResponse.empty(204);
    }
}
