package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import dev.lamina.controlplane.FunctionRecord;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /2015-03-31/functions/{name}}: configuration, code location (a URL on this server) and tags. */
public record GetFunction(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        FunctionRecord r = ctx.functions()
                .get(request.path("name"), request.query("Qualifier"))
                .record();
        ObjectNode body = Wire.JSON.createObjectNode();
        body.set("Configuration", Wire.configuration(r, ctx.settings()));
        body.putObject("Code")
                .put("RepositoryType", "S3")
                .put("Location", request.endpoint() + "/_lamina/code/" + r.codeSha256Hex() + ".zip");
        if (!r.tags().isEmpty()) {
            ObjectNode tags = body.putObject("Tags");
            r.tags().forEach(tags::put);
        }
        return ApiResponse.json(200, body);
    }
}
