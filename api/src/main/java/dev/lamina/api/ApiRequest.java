package dev.lamina.api;

import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One request to the Lambda API, decoded from HTTP.
 *
 * @param pathParams the {@code {name}} parts of the route, URL-decoded
 * @param query query parameters, each with all its values in order
 * @param headers request headers, names lower-cased
 * @param body the raw body
 * @param requestId the id this request is answered with ({@code x-amzn-RequestId})
 * @param endpoint this server's base URL, for links such as Code.Location
 */
public record ApiRequest(
        Map<String, String> pathParams,
        Map<String, List<String>> query,
        Map<String, String> headers,
        byte[] body,
        String requestId,
        String endpoint) {

    public String path(String name) {
        return pathParams.get(name);
    }

    /** The first value of a query parameter, or null. */
    public String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** Every value of a repeated query parameter, such as UntagResource's {@code tagKeys}. */
    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    /** The body as a JSON object; an empty body is an empty object. Malformed JSON is AWS's 400. */
    public JsonNode json() {
        if (body.length == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode node = Wire.JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new LambdaException(
                        ErrorCode.INVALID_REQUEST_CONTENT,
                        "Could not parse request body into json: the body must be a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new LambdaException(
                    ErrorCode.INVALID_REQUEST_CONTENT,
                    "Could not parse request body into json: " + e.getOriginalMessage());
        }
    }
}
