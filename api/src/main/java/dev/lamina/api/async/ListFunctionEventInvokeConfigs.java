package dev.lamina.api.async;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import dev.lamina.async.EventInvokeConfig;
import dev.lamina.async.EventInvokeConfigs;
import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /2019-09-25/functions/{name}/event-invoke-config/list[?Marker=&MaxItems=]}: the configs of the function
 * and its versions and aliases, at most 50 a page, with {@code NextMarker} when more follow.
 */
public record ListFunctionEventInvokeConfigs(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        EventInvokeConfigs.Page page = ctx.async()
                .configs()
                .list(request.path("name"), request.query("Marker"), maxItems(request.query("MaxItems")));
        ObjectNode body = Wire.JSON.createObjectNode();
        ArrayNode configs = body.putArray("FunctionEventInvokeConfigs");
        for (EventInvokeConfig c : page.configs()) {
            configs.add(EventInvokeConfigWire.config(c, ctx.settings()));
        }
        if (page.nextMarker() != null) {
            body.put("NextMarker", page.nextMarker());
        }
        return ApiResponse.json(200, body);
    }

    private static Integer maxItems(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new LambdaException(
                    ErrorCode.VALIDATION,
                    "1 validation error detected: Value '" + value
                            + "' at 'maxItems' failed to satisfy constraint: Member must have value greater than or"
                            + " equal to 1");
        }
    }
}
