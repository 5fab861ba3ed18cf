package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Pages;
import dev.lamina.api.Wire;
import dev.lamina.controlplane.FunctionRecord;

/** {@code GET /2015-03-31/functions/{name}/versions}: $LATEST, then the published versions by number. */
public record ListVersionsByFunction(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        return ApiResponse.json(
                200,
                Pages.page(
                        request,
                        ctx.functions().versions(request.path("name")),
                        ListVersionsByFunction::sortKey,
                        "Versions",
                        50,
                        r -> Wire.configuration(r, ctx.settings())));
    }

    /** "$LATEST" sorts before any zero-padded number. */
    private static String sortKey(FunctionRecord r) {
        return r.version().equals("$LATEST") ? r.version() : String.format("%010d", Long.parseLong(r.version()));
    }
}
