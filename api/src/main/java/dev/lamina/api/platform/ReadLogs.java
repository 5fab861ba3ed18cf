package dev.lamina.api.platform;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.store.LogEvent;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * {@code GET /_lamina/logs/{name}?after=<seq>}: the function's log lines as text, oldest first. The header
 * {@code X-Lamina-Next} carries the sequence number to ask after next time ({@code lamina logs --follow} polls).
 */
public record ReadLogs(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        ctx.flushLogs().run();
        long after = request.query("after") == null ? 0 : Long.parseLong(request.query("after"));
        List<LogEvent> events = ctx.store().readLogs("/aws/lambda/" + request.path("name"), after, 10_000);
        StringBuilder text = new StringBuilder();
        for (LogEvent e : events) {
            text.append(e.message()).append('\n');
        }
        long next = events.isEmpty() ? after : events.getLast().seq();
        ApiResponse response = ApiResponse.text(200, "text/plain; charset=utf-8", text.toString());
        var headers = new LinkedHashMap<>(response.headers());
        headers.put("X-Lamina-Next", Long.toString(next));
        return new ApiResponse(200, headers, response.body());
    }
}
