package dev.lamina.api.functions;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import dev.lamina.controlplane.FunctionRecord;
import dev.lamina.controlplane.LambdaException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /2015-03-31/functions}: at most 50 per page, as AWS. The marker is opaque to clients: the base64 of the
 * last name returned.
 */
public record ListFunctions(ApiContext ctx) implements Operation {

    static final int PAGE_LIMIT = 50;

    @Override
    public ApiResponse handle(ApiRequest request) {
        int max = PAGE_LIMIT;
        String maxItems = request.query("MaxItems");
        if (maxItems != null) {
            try {
                max = Math.min(PAGE_LIMIT, Integer.parseInt(maxItems));
            } catch (NumberFormatException e) {
                max = 0;
            }
            if (max < 1) {
                throw new LambdaException(
                        dev.lamina.controlplane.ErrorCode.VALIDATION,
                        "1 validation error detected: Value '" + maxItems
                                + "' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1");
            }
        }
        String after = decode(request.query("Marker"));
        List<FunctionRecord> all = ctx.functions().list().stream()
                .filter(r -> after == null || r.functionName().compareTo(after) > 0)
                .toList();
        ObjectNode body = Wire.JSON.createObjectNode();
        ArrayNode functions = body.putArray("Functions");
        all.stream().limit(max).forEach(r -> functions.add(Wire.configuration(r, ctx.settings())));
        if (all.size() > max) {
            body.put(
                    "NextMarker",
                    Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(all.get(max - 1).functionName().getBytes(StandardCharsets.UTF_8)));
        }
        return ApiResponse.json(200, body);
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
