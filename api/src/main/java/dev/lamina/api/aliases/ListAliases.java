package dev.lamina.api.aliases;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Pages;
import dev.lamina.controlplane.AliasRecord;

/** {@code GET /2015-03-31/functions/{name}/aliases}: by name, with Marker/MaxItems paging. */
public record ListAliases(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        var all = ctx.aliases().list(request.path("name"), request.query("FunctionVersion"));
        return ApiResponse.json(
                200,
                Pages.page(
                        request,
                        all,
                        AliasRecord::name,
                        "Aliases",
                        10_000,
                        a -> AliasWire.configuration(a, ctx.settings())));
    }
}
