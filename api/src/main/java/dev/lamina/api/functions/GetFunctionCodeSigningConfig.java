package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;

/** {@code GET /2020-06-30/functions/{name}/code-signing-config}: Lamina has no code signing, so none is set. */
public record GetFunctionCodeSigningConfig(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        var record = ctx.functions().get(request.path("name"), null).record();
        return ApiResponse.json(
                200,
                Wire.JSON
                        .createObjectNode()
                        .put("CodeSigningConfigArn", "")
                        .put("FunctionName", record.functionName()));
    }
}
