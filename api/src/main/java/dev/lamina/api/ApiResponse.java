package dev.lamina.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** What an operation answers: status, headers and body bytes. */
public record ApiResponse(int status, Map<String, String> headers, byte[] body) {

    public static ApiResponse json(int status, JsonNode body) {
        return new ApiResponse(
                status,
                new LinkedHashMap<>(Map.of("Content-Type", "application/json")),
                Wire.JSON.writeValueAsBytes(body));
    }

    public static ApiResponse empty(int status) {
        return new ApiResponse(status, new LinkedHashMap<>(), new byte[0]);
    }

    public static ApiResponse text(int status, String contentType, String body) {
        return new ApiResponse(
                status,
                new LinkedHashMap<>(Map.of("Content-Type", contentType)),
                body.getBytes(StandardCharsets.UTF_8));
    }
}
