package dev.lamina.api;

import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One request to the Lambda API, decoded from HTTP.
 *
 * @param pathParams the {@code {name}} parts of the route, URL-decoded
 * @param query query parameters (first value of each)
 * @param headers request headers, names lower-cased
 * @param body the raw body
 * @param requestId the id this request is answered with ({@code x-amzn-RequestId})
 * @param endpoint this server's base URL, for links such as Code.Location
 */
public record ApiRequest(
        Map<String, String> pathParams,
        Map<String, String> query,
        Map<String, String> headers,
        byte[] body,
        String requestId,
        String endpoint) {

    public String path(String name) {
        return pathParams.get(name);
    }

    public String query(String name) {
        return query.get(name);
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
