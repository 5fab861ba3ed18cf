package dev.lamina.api.platform;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;

/**
 * {@code POST /_lamina/events/redrive} (every function) and {@code POST /_lamina/events/{name}/redrive}: queues
 * failed asynchronous events again, as new (due now, retries and age counted afresh, request ids kept). Answers
 * {@code {"Redriven": n}}.
 */
public record RedriveEvents(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        int n = ctx.async().redrive(request.path("name"));
        return ApiResponse.json(200, Wire.JSON.createObjectNode().put("Redriven", n));
    }
}
