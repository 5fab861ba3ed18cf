package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import dev.lamina.controlplane.DeploymentPackage;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /2016-08-19/account-settings}: AWS's default limits, and this platform's usage. */
public record GetAccountSettings(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        ObjectNode body = Wire.JSON.createObjectNode();
        body.putObject("AccountLimit")
                .put("TotalCodeSize", 80_530_636_800L)
                .put("CodeSizeUnzipped", DeploymentPackage.MAX_UNZIPPED)
                .put("CodeSizeZipped", DeploymentPackage.MAX_ZIPPED)
                .put("ConcurrentExecutions", ctx.concurrency().accountLimit())
                .put("UnreservedConcurrentExecutions", ctx.concurrency().unreservedLimit());
        body.putObject("AccountUsage")
                .put("TotalCodeSize", ctx.functions().totalCodeSize())
                .put("FunctionCount", ctx.functions().list().size());
        return ApiResponse.json(200, body);
    }
}
