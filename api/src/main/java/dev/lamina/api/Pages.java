package dev.lamina.api;

import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Marker/MaxItems paging as the Lambda API does it. The marker is opaque to clients: the base64 of the last key
 * returned; the list must be sorted by that key.
 */
public final class Pages {

    private Pages() {}

    public static <T> ObjectNode page(
            ApiRequest request,
            List<T> sorted,
            Function<T, String> key,
            String member,
            int pageLimit,
            Function<T, JsonNode> render) {
        int max = pageLimit;
        String maxItems = request.query("MaxItems");
        if (maxItems != null) {
            int asked;
            try {
                asked = Integer.parseInt(maxItems);
            } catch (NumberFormatException e) {
                asked = 0;
            }
            if (asked < 1 || asked > 10_000) {
                throw new LambdaException(
                        ErrorCode.VALIDATION,
                        "1 validation error detected: Value '" + maxItems
                                + "' at 'maxItems' failed to satisfy constraint: Member must have value "
                                + (asked < 1 ? "greater than or equal to 1" : "less than or equal to 10000"));
            }
            max = Math.min(pageLimit, asked);
        }
        String after = decode(request.query("Marker"));
        List<T> rest = sorted.stream()
                .filter(t -> after == null || key.apply(t).compareTo(after) > 0)
                .toList();
        ObjectNode body = Wire.JSON.createObjectNode();
        ArrayNode items = body.putArray(member);
        rest.stream().limit(max).map(render).forEach(items::add);
        if (rest.size() > max) {
            body.put(
                    "NextMarker",
                    Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(key.apply(rest.get(max - 1)).getBytes(StandardCharsets.UTF_8)));
        }
        return body;
    }

    private static String decode(String marker) {
        if (marker == null || marker.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw LambdaException.invalidParameter("Invalid Marker: " + marker);
        }
    }
}
