package dev.lamina.async;

import dev.lamina.model.InvocationResult;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How one attempt to run an asynchronous event ended.
 *
 * @param outcome success, function error, throttle, system error, or the function gone
 * @param result what the function gave back, when the attempt reached it; else null
 * @param error a readable account of the failure (such as {@code Exception: boom}), or null on success
 */
public record Attempt(RetryPolicy.Outcome outcome, InvocationResult result, String error) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static Attempt of(InvocationResult result) {
        return result.failed()
                ? new Attempt(RetryPolicy.Outcome.FUNCTION_ERROR, result, describe(result.payload()))
                : new Attempt(RetryPolicy.Outcome.SUCCESS, result, null);
    }

    public static Attempt throttled(String error) {
        return new Attempt(RetryPolicy.Outcome.THROTTLED, null, error);
    }

    public static Attempt systemError(String error) {
        return new Attempt(RetryPolicy.Outcome.SYSTEM_ERROR, null, error);
    }

    public static Attempt zeroReservedConcurrency(String error) {
        return new Attempt(RetryPolicy.Outcome.ZERO_RESERVED_CONCURRENCY, null, error);
    }

    public static Attempt functionNotFound(String error) {
        return new Attempt(RetryPolicy.Outcome.FUNCTION_NOT_FOUND, null, error);
    }

    /** {@code errorType: errorMessage} from an error document, or its text (at most 1 KB). */
    static String describe(byte[] errorDocument) {
        String text = new String(errorDocument, StandardCharsets.UTF_8);
        try {
            JsonNode doc = JSON.readTree(errorDocument);
            if (doc != null && doc.isObject() && (doc.has("errorType") || doc.has("errorMessage"))) {
                String type = doc.path("errorType").asString("");
                String message = doc.path("errorMessage").asString("");
                text = type.isEmpty() ? message : message.isEmpty() ? type : type + ": " + message;
            }
        } catch (JacksonException e) {
            // not JSON: keep the text
        }
        return text.length() > 1024 ? text.substring(0, 1024) : text;
    }
}
