package dev.lamina.async;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * The invocation record AWS Lambda sends to a destination, built exactly as AWS builds it:
 *
 * <pre>{@code
 * {"version":"1.0","timestamp":"2019-11-24T21:52:47.333Z",
 *  "requestContext":{"requestId":"…","functionArn":"arn:aws:lambda:…:function:f:$LATEST",
 *                    "condition":"RetriesExhausted","approximateInvokeCount":3},
 *  "requestPayload":{…the event…},
 *  "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
 *  "responsePayload":{…the function's response or error document…}}
 * }</pre>
 *
 * {@code functionError} is present only when the last attempt failed. When no attempt reached the function (the event
 * expired while throttled), {@code responseContext} and {@code responsePayload} are left out. The payloads are
 * embedded as they came, byte for byte; a response that is not JSON is embedded as a JSON string.
 */
public final class InvocationRecord {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The last attempt that reached the function. */
    public record Response(int statusCode, String executedVersion, String functionError, byte[] payload) {}

    private InvocationRecord() {}

    /**
     * @param functionArn the function ARN with the qualifier the event was invoked with ({@code $LATEST} when none)
     * @param response the last attempt that reached the function, or null when none did
     */
    public static byte[] build(
            Instant timestamp,
            String requestId,
            String functionArn,
            String condition,
            int approximateInvokeCount,
            byte[] requestPayload,
            Response response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256
                + requestPayload.length
                + (response == null || response.payload() == null ? 0 : response.payload().length));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("version", "1.0");
            g.writeStringProperty("timestamp", TIMESTAMP.format(timestamp));
            g.writeName("requestContext");
            g.writeStartObject();
            g.writeStringProperty("requestId", requestId);
            g.writeStringProperty("functionArn", functionArn);
            g.writeStringProperty("condition", condition);
            g.writeNumberProperty("approximateInvokeCount", approximateInvokeCount);
            g.writeEndObject();
            g.writeName("requestPayload");
            writeJson(g, requestPayload);
            if (response != null) {
                g.writeName("responseContext");
                g.writeStartObject();
                g.writeNumberProperty("statusCode", response.statusCode());
                g.writeStringProperty("executedVersion", response.executedVersion());
                if (response.functionError() != null) {
                    g.writeStringProperty("functionError", response.functionError());
                }
                g.writeEndObject();
                g.writeName("responsePayload");
                writeJson(g, response.payload());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** The bytes as they are when they hold one JSON value; null when empty; else a JSON string of them. */
    private static void writeJson(JsonGenerator g, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            g.writeNull();
        } else if (isOneJsonValue(bytes)) {
            g.writeRawValue(new String(bytes, StandardCharsets.UTF_8).strip());
        } else {
            g.writeString(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    static boolean isOneJsonValue(byte[] bytes) {
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (JacksonException e) {
            return false;
        }
    }
}
