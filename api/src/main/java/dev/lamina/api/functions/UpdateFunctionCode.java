package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import dev.lamina.controlplane.LambdaException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** {@code PUT /2015-03-31/functions/{name}/code}. */
public record UpdateFunctionCode(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        JsonNode body = request.json();
        if (body.has("S3Bucket") || body.has("ImageUri")) {
            throw LambdaException.invalidParameter("Lamina takes code as ZipFile only (no S3 locations or images).");
        }
        List<String> architectures = null;
        if (body.path("Architectures").isArray()) {
            architectures = new ArrayList<>();
            for (JsonNode a : body.path("Architectures")) {
                architectures.add(a.asString());
            }
        }
        var functions = ctx.functions();
        if (Wire.bool(body, "DryRun")) {
            return ApiResponse.json(
                    200,
                    Wire.configuration(functions.get(request.path("name"), null).record(), ctx.settings()));
        }
        var record = functions.updateCode(
                request.path("name"),
                Wire.blob(body, "ZipFile"),
                Wire.bool(body, "Publish"),
                Wire.text(body, "RevisionId"),
                architectures);
        return ApiResponse.json(200, Wire.configuration(record, ctx.settings()));
    }
}
