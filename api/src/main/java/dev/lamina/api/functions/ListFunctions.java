package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Pages;
import dev.lamina.api.Wire;
import dev.lamina.controlplane.FunctionRecord;

/** {@code GET /2015-03-31/functions}: by name, at most 50 per page whatever MaxItems says, as AWS. */
public record ListFunctions(ApiContext ctx) implements Operation {

    static final int PAGE_LIMIT = 50;

    @Override
    public ApiResponse handle(ApiRequest request) {
        return ApiResponse.json(
                200,
                Pages.page(
                        request,
                        ctx.functions().list(),
                        FunctionRecord::functionName,
                        "Functions",
                        PAGE_LIMIT,
                        r -> Wire.configuration(r, ctx.settings())));
    }
}
