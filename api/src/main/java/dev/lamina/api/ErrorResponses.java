package dev.lamina.api;

import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one place where errors become their wire form: the status of the error's shape, {@code x-amzn-ErrorType},
 * and a JSON body {@code {"Type": "User", "message": "..."}} with the message field cased as botocore's model says.
 */
public final class ErrorResponses {

    private ErrorResponses() {}

    public static ApiResponse of(LambdaException e) {
        return of(e.code(), e.getMessage());
    }

    public static ApiResponse of(ErrorCode code, String message) {
        ObjectNode body = Wire.JSON.createObjectNode();
        body.put("Type", code.type());
        body.put(code.messageField(), message);
        ApiResponse response = ApiResponse.json(code.status(), body);
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        headers.put("x-amzn-ErrorType", code.wireName());
        return new ApiResponse(response.status(), headers, response.body());
    }

    /**
     * AWS's 429 TooManyRequestsException: {@code Reason} in the body and {@code Retry-After} in the headers, as the
     * error's shape declares.
     */
    public static ApiResponse throttled(String reason, String message) {
        ObjectNode body = Wire.JSON.createObjectNode();
        body.put("Reason", reason);
        body.put("Type", ErrorCode.TOO_MANY_REQUESTS.type());
        body.put(ErrorCode.TOO_MANY_REQUESTS.messageField(), message);
        ApiResponse response = ApiResponse.json(ErrorCode.TOO_MANY_REQUESTS.status(), body);
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        headers.put("x-amzn-ErrorType", ErrorCode.TOO_MANY_REQUESTS.wireName());
        headers.put("Retry-After", "1");
        return new ApiResponse(response.status(), headers, response.body());
    }

    /** Anything unexpected: AWS's 500 ServiceException, without internals. */
    public static ApiResponse internal(String requestId) {
        return of(
                ErrorCode.SERVICE,
                "Lamina encountered an internal error (request " + requestId + "); see the server log.");
    }
}
