package dev.lamina.api.platform;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import dev.lamina.async.AsyncCounters;
import dev.lamina.async.AsyncInvocations;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /_lamina/events/{name}}: where a function's asynchronous events are and its counters since the server
 * started. {@code Queued}: waiting (due or not); {@code Running}: claimed by the dispatcher, running or next in line;
 * {@code Failed}: kept after failing for good. Counters: AsyncEventsReceived, AsyncEventAge, AsyncEventsDropped, and
 * deliveries to destinations.
 */
public record AsyncEventStats(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        String function = request.path("name");
        AsyncInvocations.Stats stats = ctx.async().stats(function);
        AsyncCounters.Snapshot c = stats.counters();
        ObjectNode body = Wire.JSON.createObjectNode();
        body.put("FunctionName", function);
        body.put("Queued", stats.queued());
        body.put("Running", stats.running());
        body.put("Failed", stats.failed());
        body.put("AsyncEventsReceived", c.received());
        body.put("AsyncEventsDropped", c.dropped());
        body.putObject("AsyncEventAge")
                .put("Count", c.ageCount())
                .put("SumMillis", c.ageSumMillis())
                .put("MaxMillis", c.ageMaxMillis());
        body.put("DestinationDeliveries", c.destinationDeliveries());
        body.put("DestinationDeliveryFailures", c.destinationDeliveryFailures());
        return ApiResponse.json(200, body);
    }
}
