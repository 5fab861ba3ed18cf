package dev.lamina.compat;

import static dev.lamina.compat.Fixtures.JAVA;
import static dev.lamina.compat.Fixtures.NODE;
import static dev.lamina.compat.Fixtures.NODE_HANDLER;
import static dev.lamina.compat.Fixtures.PROVIDED;
import static dev.lamina.compat.Fixtures.PYTHON;
import static dev.lamina.compat.Fixtures.PY_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** What an Invoke answers: BR-01, BR-05, BR-06, BR-07, BR-08, BR-11 (sync parts). */
@LaminaTest
class InvokeResultsTest {

    // ------------------------------------------------------------------ BR-01

    @Test
    void br01_node_thrown_error_is_200_with_unhandled_header_and_error_document(Lamina lamina) {
        lamina.createFunction("br01-node", NODE, NODE_HANDLER, Fixtures.node("error"));

        HttpResult r = lamina.invoke("br01-node", "{}");

        JsonNode body = Expect.functionError(r);
        assertThat(r.header("X-Amz-Executed-Version")).as(r::toString).contains("$LATEST");
        assertThat(body.path("errorType").asString("")).isEqualTo("Error");
        assertThat(body.path("errorMessage").asString("")).isEqualTo("boom");
        JsonNode trace = body.path("trace");
        assertThat(trace.isArray()).as("trace is an array in %s", body).isTrue();
        assertThat(trace.size()).isPositive();
        trace.forEach(
                line -> assertThat(line.isString()).as("trace element %s", line).isTrue());
        assertThat(trace.get(0).asString()).isEqualTo("Error: boom");
        assertThat(r.requestId()).as("x-amzn-RequestId is a lower-case UUID v4").matches(LogLines.REQUEST_ID);
    }

    @Test
    void br01_python_raised_exception_is_200_with_unhandled_header_and_error_document(Lamina lamina) {
        lamina.createFunction("br01-python", PYTHON, PY_HANDLER, Fixtures.python("error"));

        HttpResult r = lamina.invoke("br01-python", "{}");

        JsonNode body = Expect.functionError(r);
        assertThat(r.header("X-Amz-Executed-Version")).as(r::toString).contains("$LATEST");
        assertThat(body.path("errorType").asString("")).isEqualTo("Exception");
        assertThat(body.path("errorMessage").asString("")).isEqualTo("boom");
        assertThat(body.path("stackTrace").isArray())
                .as("stackTrace is an array in %s", body)
                .isTrue();
        assertThat(body.has("requestId")).as("requestId field in %s", body).isTrue();
        assertThat(body.path("requestId").asString("")).isEqualTo(r.requestId());
    }

    // ------------------------------------------------------------------ BR-05

    @Test
    void br05_payload_that_is_not_json_is_rejected_with_400_and_the_function_does_not_run(Lamina lamina) {
        String f = "br05-reject";
        lamina.createFunction(f, NODE, NODE_HANDLER, Fixtures.node("echo"));
        List<HttpResult> rejected = new ArrayList<>();

        rejected.add(lamina.invoke(
                f, "hello".getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/octet-stream")));
        rejected.add(lamina.invoke(f, "hello".getBytes(StandardCharsets.UTF_8), Map.of()));
        rejected.add(lamina.invoke(f, new byte[] {(byte) 0x9d, 0x00, (byte) 0xff}, Map.of()));

        for (HttpResult r : rejected) {
            String message = Expect.serviceError(r, 400, "InvalidRequestContentException");
            assertThat(message).startsWith("Could not parse request body into json:");
        }
        // a valid call afterwards: its START must be the only one in the function's log
        HttpResult ok = Expect.success(lamina.invoke(f, "{}"));
        List<String> logs = lamina.awaitReport(f, ok.requestId());
        assertThat(logs.stream().filter(l -> l.startsWith("START ")))
                .as(() -> String.join("\n", logs))
                .containsExactly(LogLines.start(ok.requestId()));
    }

    @Test
    void br05_json_scalars_arrays_and_null_are_accepted_and_delivered_unchanged(Lamina lamina) {
        String f = "br05-scalars";
        lamina.createFunction(f, NODE, NODE_HANDLER, Fixtures.node("echo"));

        for (String payload : List.of("\"text\"", "42", "true", "null", "[1,2]")) {
            HttpResult r = Expect.success(lamina.invoke(f, payload));
            Expect.bodyIs(r, payload);
        }
    }

    // ------------------------------------------------------------------ BR-06

    @Test
    void br06_invoke_without_body_delivers_an_empty_object(Lamina lamina, @TempDir Path tmp) throws Exception {
        String f = "br06-empty";
        lamina.createFunction(f, NODE, NODE_HANDLER, Fixtures.node("empty"));

        HttpResult raw = Expect.success(lamina.invoke(f, null, Map.of()));
        Expect.bodyIs(raw, "{\"type\":\"object\",\"keys\":0}");

        Path out = tmp.resolve("out.json");
        ProcessResult cli = lamina.cli()
                .lambda("invoke", "--function-name", f, out.toString())
                .assertSuccess();
        assertThat(cli.json().path("StatusCode").asInt()).as(cli::toString).isEqualTo(200);
        assertThat(cli.json().has("FunctionError")).as(cli::toString).isFalse();
        assertThat(Files.readString(out)).isEqualTo("{\"type\":\"object\",\"keys\":0}");
    }

    @Test
    void br06_runtime_api_next_body_for_an_empty_invoke_is_an_empty_object(Lamina lamina) {
        String f = "br06-runtime-api";
        lamina.createFunction(f, PROVIDED, "unused", Fixtures.provided("echo"));

        HttpResult r = Expect.success(lamina.invoke(f, null, Map.of()));

        assertThat(r.json().path("event")).as(r::toString).isEqualTo(Json.parse("{}"));
    }

    // ------------------------------------------------------------------ BR-07

    @Test
    void br07_node_handler_returning_nothing_answers_null(Lamina lamina) {
        lamina.createFunction("br07-node", NODE, NODE_HANDLER, Fixtures.node("none"));

        HttpResult r = Expect.success(lamina.invoke("br07-node", "{}"));

        Expect.bodyIs(r, "null");
        assertThat(r.header("Content-Length")).as(r::toString).contains("4");
    }

    @Test
    void br07_python_handler_returning_none_answers_null(Lamina lamina) {
        lamina.createFunction("br07-python", PYTHON, PY_HANDLER, Fixtures.python("none"));

        HttpResult r = Expect.success(lamina.invoke("br07-python", "{}"));

        Expect.bodyIs(r, "null");
        assertThat(r.header("Content-Length")).as(r::toString).contains("4");
    }

    // ------------------------------------------------------------------ BR-08

    @Test
    void br08_node_string_result_is_json_encoded(Lamina lamina) {
        lamina.createFunction("br08-node", NODE, NODE_HANDLER, Fixtures.node("string"));

        Expect.bodyIs(Expect.success(lamina.invoke("br08-node", "{}")), "\"hello\"");
    }

    @Test
    void br08_python_string_result_is_json_encoded(Lamina lamina) {
        lamina.createFunction("br08-python", PYTHON, PY_HANDLER, Fixtures.python("string"));

        Expect.bodyIs(Expect.success(lamina.invoke("br08-python", "{}")), "\"hello\"");
    }

    @Test
    void br08_java_string_result_is_json_encoded(Lamina lamina) {
        lamina.createFunction("br08-java", JAVA, "example.StringResult", Fixtures.javaFunctions(), 30);

        Expect.bodyIs(Expect.success(lamina.invoke("br08-java", "{}")), "\"hello\"");
    }

    // ------------------------------------------------------------------ BR-11 (sync parts a, b)

    @Test
    void br11_sync_payload_over_6_mb_is_413_and_6_000_000_bytes_is_accepted(Lamina lamina) {
        String f = "br11-limits";
        lamina.createFunction(f, NODE, NODE_HANDLER, Fixtures.node("ok"));

        HttpResult tooLarge = lamina.invoke(f, jsonString(6_291_457), Map.of());
        String message = Expect.serviceError(tooLarge, 413, "RequestTooLargeException");
        assertThat(message).isEqualTo("Request must be smaller than 6291456 bytes for the InvokeFunction operation");

        HttpResult fits = Expect.success(lamina.invoke(f, jsonString(6_000_000), Map.of()));
        Expect.bodyIs(fits, "\"ok\"");

        // the function ran once, for the accepted payload only
        List<String> logs = lamina.awaitReport(f, fits.requestId());
        assertThat(logs.stream().filter(l -> l.startsWith("START ")))
                .as(() -> String.join("\n", logs))
                .containsExactly(LogLines.start(fits.requestId()));

        // On the warm instance now: events over 64 KiB take the path that may block, and are written to the runtime
        // by a thread of their own.
        Expect.bodyIs(Expect.success(lamina.invoke(f, jsonString(100_000), Map.of())), "\"ok\"");
        Expect.bodyIs(Expect.success(lamina.invoke(f, jsonString(6_000_000), Map.of())), "\"ok\"");
    }

    /** A JSON string document of exactly {@code totalBytes} bytes ({@code "xxx…"}). */
    private static byte[] jsonString(int totalBytes) {
        byte[] b = new byte[totalBytes];
        java.util.Arrays.fill(b, (byte) 'x');
        b[0] = '"';
        b[totalBytes - 1] = '"';
        return b;
    }
}
