package dev.lamina.api.policies;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import dev.lamina.controlplane.Policies;
import tools.jackson.databind.JsonNode;

/** {@code POST /2015-03-31/functions/{name}/policy}: 201 with the statement as a JSON string. */
public record AddPermission(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        JsonNode b = request.json();
        var permission = new Policies.Permission(
                Wire.text(b, "StatementId"),
                Wire.text(b, "Action"),
                Wire.text(b, "Principal"),
                Wire.text(b, "SourceArn"),
                Wire.text(b, "SourceAccount"),
                Wire.text(b, "PrincipalOrgID"),
                Wire.text(b, "FunctionUrlAuthType"),
                Wire.text(b, "EventSourceToken"));
        String statement = ctx.policies()
                .add(request.path("name"), request.query("Qualifier"), permission, Wire.text(b, "RevisionId"));
        return ApiResponse.json(201, Wire.JSON.createObjectNode().put("Statement", statement));
    }
}
