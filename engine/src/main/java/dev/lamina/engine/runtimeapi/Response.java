package dev.lamina.engine.runtimeapi;

import java.nio.charset.StandardCharsets;

/**
 * An answer of the Runtime API: status, content type, body, and extra headers as name, value, name, value… (a flat
 * array: the event's headers are built on every invocation). A header whose value is null is left out.
 */
public record Response(int status, String contentType, byte[] body, String... headers) {

    /**
     * What {@link RuntimeApi#next} returns when it kept the request to answer it later through its {@link
     * WaitingNext}: the connection's thread writes nothing now and waits for that answer.
     */
    public static final Response LATER = new Response(0, "", new byte[0]);

    private static final Response ACCEPTED = json(202, "{\"status\":\"OK\"}");

    public static Response json(int status, String json) {
        return new Response(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** The 202 that AWS gives to every accepted post: a JSON body, which some runtime clients parse. */
    public static Response accepted() {
        return ACCEPTED;
    }
}
