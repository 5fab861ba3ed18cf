package dev.lamina.compat;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;

/** Assertions on the AWS wire shapes shared by many tests. */
public final class Expect {

    private Expect() {}

    /** The error code in {@code x-amzn-ErrorType} (clients cut anything after a colon). */
    public static String errorType(HttpResult r) {
        return r.header("x-amzn-ErrorType").map(v -> v.split(":", 2)[0]).orElse(null);
    }

    /**
     * A service error: the status, {@code x-amzn-ErrorType} one of {@code types}, and a JSON body
     * with {@code Type} and a non-empty {@code message}/{@code Message}. Returns the message.
     */
    public static String serviceError(HttpResult r, int status, String... types) {
        assertThat(r.status()).as(r::toString).isEqualTo(status);
        assertThat(errorType(r)).as(r::toString).isIn((Object[]) types);
        JsonNode body = r.json();
        assertThat(body.path("Type").asString("")).as("Type in %s", r).isEqualTo(status < 500 ? "User" : "Service");
        String message = Json.errorMessage(body);
        assertThat(message).as("message/Message in %s", r).isNotBlank();
        return message;
    }

    /** A function error: 200 with {@code X-Amz-Function-Error: Unhandled}; returns the body. */
    public static JsonNode functionError(HttpResult r) {
        assertThat(r.status()).as(r::toString).isEqualTo(200);
        assertThat(r.header("X-Amz-Function-Error")).as(r::toString).contains("Unhandled");
        return r.json();
    }

    /** A successful invocation: 200, no {@code X-Amz-Function-Error}. */
    public static HttpResult success(HttpResult r) {
        assertThat(r.status()).as(r::toString).isEqualTo(200);
        assertThat(r.header("X-Amz-Function-Error")).as(r::toString).isEmpty();
        return r;
    }

    /** The body is byte-for-byte {@code expected} (UTF-8). */
    public static void bodyIs(HttpResult r, String expected) {
        assertThat(r.bodyText()).as(r::toString).isEqualTo(expected);
        assertThat(r.body()).as(r::toString).isEqualTo(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The body parses to the same JSON value as {@code expectedJson}. */
    public static void jsonBodyIs(HttpResult r, String expectedJson) {
        assertThat(r.json()).as(r::toString).isEqualTo(Json.parse(expectedJson));
    }
}
