package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import dev.lamina.controlplane.FunctionRecord;
import dev.lamina.controlplane.LambdaException;
import tools.jackson.databind.JsonNode;

/** {@code POST /2015-03-31/functions}: 201 with the FunctionConfiguration. */
public record CreateFunction(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        JsonNode body = request.json();
        String packageType = Wire.text(body, "PackageType");
        if (packageType != null && !packageType.equals("Zip")) {
            throw LambdaException.invalidParameter(
                    "Lamina runs Zip packages only; PackageType " + packageType + " is not supported.");
        }
        FunctionRecord record = ctx.functions()
                .create(
                        Wire.text(body, "FunctionName"),
                        Wire.settings(body),
                        Wire.blob(body.path("Code"), "ZipFile"),
                        Wire.bool(body, "Publish"),
                        Wire.stringMap(body.get("Tags")));
        return ApiResponse.json(201, Wire.configuration(record, ctx.settings()));
    }
}
