package dev.lamina.api.platform;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import dev.lamina.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /_lamina/events/{name}/failed}: the function's failed asynchronous events, oldest failure first, with
 * why they failed ({@code lamina events failed FUNCTION} prints them). A deleted function's events are listed too.
 */
public record ListFailedEvents(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        String function = request.path("name");
        ObjectNode body = Wire.JSON.createObjectNode();
        body.put("FunctionName", function);
        ArrayNode events = body.putArray("FailedEvents");
        for (StoredEvent e : ctx.async().failed(function)) {
            ObjectNode o = events.addObject();
            o.put("RequestId", e.requestId());
            o.put("FunctionArn", e.invokedArn());
            o.put("Condition", e.condition());
            o.put("Error", e.error());
            o.put("ApproximateInvokeCount", e.invokeCount());
            o.put("ReceivedAt", Instant.ofEpochMilli(e.receivedAt()).toString());
            o.put("FailedAt", Instant.ofEpochMilli(e.updatedAt()).toString());
            o.put("Payload", new String(e.payload(), StandardCharsets.UTF_8));
            if (e.lastResponse() != null) {
                o.put("LastResponse", new String(e.lastResponse(), StandardCharsets.UTF_8));
            }
        }
        return ApiResponse.json(200, body);
    }
}
