package dev.lamina.compat;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A raw HTTP answer from the server.
 *
 * @param elapsedMillis wall time from sending the request to having the whole body
 */
public record HttpResult(int status, HttpHeaders headers, byte[] body, long elapsedMillis) {

    /** Header lookup, case-insensitive as HTTP requires. */
    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
        return Json.parse(body);
    }

    /** The {@code x-amzn-RequestId} header, i.e. the invocation's request id for Invoke. */
    public String requestId() {
        return header("x-amzn-RequestId").orElseThrow(() -> new AssertionError("no x-amzn-RequestId in " + this));
    }

    @Override
    public String toString() {
        String text = bodyText();
        return "HTTP " + status + " " + headers.map() + " body(" + body.length + ")="
                + (text.length() > 2000 ? text.substring(0, 2000) + "…" : text);
    }
}
