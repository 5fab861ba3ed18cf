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
        FunctionRecord r = ctx.aliases()
                .resolve(request.path("name"), request.query("Qualifier"))
                .entry()
                .record();
        ObjectNode body = Wire.JSON.createObjectNode();
        body.set("Configuration", Wire.configuration(r, ctx.settings()));
        body.putObject("Code")
                .put("RepositoryType", "S3")
                .put("Location", request.endpoint() + "/_lamina/code/" + r.codeSha256Hex() + ".zip");
        var tags = ctx.tags().list(ctx.settings().functionArn(r.functionName()));
        if (!tags.isEmpty()) {
            ObjectNode tagNode = body.putObject("Tags");
            tags.forEach(tagNode::put);
        }
        ctx.concurrency()
                .get(r.functionName())
                .ifPresent(v -> body.putObject("Concurrency").put("ReservedConcurrentExecutions", v));
        return ApiResponse.json(200, body);
    }
}
