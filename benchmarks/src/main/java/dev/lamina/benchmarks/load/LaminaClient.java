package dev.lamina.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/** The Lambda API of a running Lamina, through one {@link HttpClient} (HTTP/1.1, keep-alive). */
final class LaminaClient {

    private static final String ROLE = "arn:aws:iam::000000000000:role/lambda-role";

    final HttpClient http = newHttpClient();
    private final URI endpoint;

    /**
     * HTTP/1.1, and a direct executor: the client's selector thread completes each response itself instead of
     * handing it to a pool thread. On these machines that takes the client's own round trip from ~100-180 µs to
     * ~40 µs at p50, and its 32-caller rate from ~9k to ~19k requests/s (docs/benchmarks.md).
     */
    static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Runnable::run)
                .build();
    }

    LaminaClient(URI endpoint) {
        this.endpoint = endpoint;
    }

    int port() {
        return endpoint.getPort();
    }

    /** The raw HTTP/1.1 bytes of an Invoke with the payload {@code {}}, for a raw keep-alive client. */
    byte[] rawInvoke(String name) {
        return ("POST /2015-03-31/functions/" + name + "/invocations HTTP/1.1\r\nHost: 127.0.0.1:" + port()
                        + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The answer of an Invoke: status, body, the function error header and the decoded log tail. */
    record Invoked(int status, String body, String functionError, String logTail) {
        boolean ok() {
            return status == 200 && functionError == null;
        }
    }

    void createFunction(String name, String runtime, String handler, byte[] zip, int timeoutSeconds)
            throws IOException, InterruptedException {
        String body = "{\"FunctionName\":\"" + name + "\",\"Runtime\":\"" + runtime + "\",\"Role\":\"" + ROLE
                + "\",\"Handler\":\"" + handler + "\",\"Timeout\":" + timeoutSeconds + ",\"MemorySize\":128,"
                + "\"Code\":{\"ZipFile\":\"" + Base64.getEncoder().encodeToString(zip) + "\"}}";
        send("POST", "/2015-03-31/functions", body, 201);
    }

    /** Sets the function's environment: a new revision, so the next invoke starts a new instance. */
    void updateEnvironment(String name, Map<String, String> variables) throws IOException, InterruptedException {
        String vars = variables.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(Collectors.joining(","));
        send(
                "PUT",
                "/2015-03-31/functions/" + name + "/configuration",
                "{\"Environment\":{\"Variables\":{" + vars + "}}}",
                200);
    }

    void deleteFunction(String name) throws IOException, InterruptedException {
        send("DELETE", "/2015-03-31/functions/" + name, null, 204);
    }

    /** A reusable Invoke request with the payload {@code {}}. */
    HttpRequest invokeRequest(String name, boolean tail) {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        endpoint.resolve("/2015-03-31/functions/" + name + "/invocations"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray("{}".getBytes(StandardCharsets.US_ASCII)));
        if (tail) {
            b.header("X-Amz-Log-Type", "Tail");
        }
        return b.build();
    }

    Invoked invoke(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        String tail = r.headers()
                .firstValue("X-Amz-Log-Result")
                .map(s -> new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8))
                .orElse(null);
        return new Invoked(
                r.statusCode(),
                new String(r.body(), StandardCharsets.UTF_8),
                r.headers().firstValue("X-Amz-Function-Error").orElse(null),
                tail);
    }

    /** An invoke that only tells whether it succeeded: for the load loops. */
    boolean invokeOk(HttpRequest request) {
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200
                    && r.headers().firstValue("X-Amz-Function-Error").isEmpty();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void send(String method, String path, String body, int expected) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve(path)).timeout(Duration.ofSeconds(60));
        b.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IOException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** A number from a REPORT line in a log tail, such as "Init Duration" or "Duration"; NaN when absent. */
    static double reportField(String tail, String field) {
        if (tail == null) {
            return Double.NaN;
        }
        for (String line : tail.split("\n")) {
            if (line.startsWith("REPORT ")) {
                for (String part : line.split("\t")) {
                    String p = part.trim();
                    if (p.startsWith(field + ": ")) {
                        return Double.parseDouble(p.substring(field.length() + 2)
                                .replace(" ms", "")
                                .replace(" MB", ""));
                    }
                }
            }
        }
        return Double.NaN;
    }
}
