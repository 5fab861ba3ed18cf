package dev.lamina.engine.runtimeapi;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An answer of the Runtime API: status, extra headers, body. */
public record Response(int status, Map<String, String> headers, String contentType, byte[] body) {

    public static Response json(int status, String json) {
        return new Response(status, Map.of(), "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** The 202 that AWS gives to every accepted post: a JSON body, which some runtime clients parse. */
    public static Response accepted() {
        return json(202, "{\"status\":\"OK\"}");
    }
}
