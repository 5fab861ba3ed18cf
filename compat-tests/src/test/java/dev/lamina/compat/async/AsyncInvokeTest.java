package dev.lamina.compat.async;

import static dev.lamina.compat.async.AsyncSupport.await;
import static dev.lamina.compat.async.AsyncSupport.awaitSettled;
import static dev.lamina.compat.async.AsyncSupport.event;
import static dev.lamina.compat.async.AsyncSupport.lines;
import static dev.lamina.compat.async.AsyncSupport.stats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.compat.AwsCli;
import dev.lamina.compat.Expect;
import dev.lamina.compat.Fixtures;
import dev.lamina.compat.HttpResult;
import dev.lamina.compat.Json;
import dev.lamina.compat.Lamina;
import dev.lamina.compat.LogLines;
import dev.lamina.compat.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import tools.jackson.databind.JsonNode;

/**
 * Invoke with {@code X-Amz-Invocation-Type: Event} and InvokeAsync: 202 at once with AWS's headers and body, the
 * request id the function sees, the payload limits (1 MB, 256 KB) with AWS's errors, bad input stored nowhere; through
 * raw HTTP, the AWS CLI and the AWS SDK for Java. Case BR-42 and BR-11 (c)/(d).
 */
class AsyncInvokeTest {

    static Lamina lamina;

    /** Prints the event and its request id, so that the tests can see what ran. */
    static final String ECHO = """
            import json
            def handler(event, context):
                print("event " + context.aws_request_id + " " + json.dumps(event, separators=(",", ":")))
                return event
            """;

    @BeforeAll
    static void start() {
        lamina = AsyncSupport.start();
        lamina.createFunction("echo", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(ECHO));
        lamina.createFunction("size", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(SIZE));
        // BR-42's function: waits 5 s, logs done, then throws Error("late")
        lamina.createFunction("late", Fixtures.NODE, Fixtures.NODE_HANDLER, AsyncSupport.node("""
                        export const handler = async () => {
                          await new Promise((resolve) => setTimeout(resolve, 5000));
                          console.log("done");
                          throw new Error("late");
                        };
                        """), 10);
    }

    /** Prints the size of the event (a JSON string) it got. */
    static final String SIZE = """
            def handler(event, context):
                print("size " + context.aws_request_id + " " + str(len(event)))
            """;

    @AfterAll
    static void stop() {
        AsyncSupport.stop(lamina);
    }

    private static List<String> eventLines(String requestId) {
        return lamina
                .awaitLogs("echo", l -> l.stream().anyMatch(s -> s.startsWith("event " + requestId + " ")))
                .stream()
                .filter(s -> s.startsWith("event " + requestId + " "))
                .toList();
    }

    @Test
    void an_event_invoke_answers_202_at_once_and_the_function_runs_later() {
        HttpResult r = event(lamina, "late", "{\"n\":1}");

        assertThat(r.status()).as(r::toString).isEqualTo(202);
        assertThat(r.body()).isEmpty();
        assertThat(r.header("X-Amz-Function-Error")).isEmpty();
        assertThat(r.header("X-Amz-Executed-Version")).isEmpty();
        String id = r.requestId();
        assertThat(id).matches(LogLines.REQUEST_ID);
        // answered before the function finished: its 5 s have not passed, so its END is not logged
        assertThat(lamina.logs("late")).doesNotContain(LogLines.end(id));

        List<String> logs = lamina.awaitReport("late", id);
        assertThat(logs).contains(LogLines.start(id));
        assertThat(logs).anyMatch(l -> l.contains("done"));
        assertThat(logs).anyMatch(l -> l.contains("late") && l.contains("Error"));
        assertThat(logs.indexOf(LogLines.start(id))).isLessThan(logs.indexOf(LogLines.end(id)));
    }

    @Test
    void dry_run_answers_204_and_runs_nothing() {
        HttpResult r =
                lamina.invoke("late", "{}".getBytes(StandardCharsets.UTF_8), Map.of("X-Amz-Invocation-Type", "DryRun"));
        assertThat(r.status()).as(r::toString).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(lamina.logs("late")).noneMatch(l -> l.contains(r.requestId()));
    }

    @Test
    void the_function_sees_the_request_id_of_the_202_and_the_payload_as_sent() {
        HttpResult r = event(lamina, "echo", "{\"greeting\": \"héllo\", \"n\": [1, 2.50]}");
        assertThat(r.status()).isEqualTo(202);
        List<String> seen = eventLines(r.requestId());
        assertThat(seen).hasSize(1);
        assertThat(Json.parse(seen.getFirst().substring(("event " + r.requestId() + " ").length())))
                .isEqualTo(Json.parse("{\"greeting\":\"héllo\",\"n\":[1,2.50]}"));
    }

    @Test
    void an_empty_event_is_an_empty_object() {
        HttpResult r = lamina.invoke("echo", null, Map.of("X-Amz-Invocation-Type", "Event"));
        assertThat(r.status()).isEqualTo(202);
        assertThat(eventLines(r.requestId())).containsExactly("event " + r.requestId() + " {}");
    }

    @Test
    void the_aws_cli_invokes_with_invocation_type_event(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.json");
        List<String> args = new ArrayList<>(List.of("invoke", "--function-name", "echo", "--invocation-type", "Event"));
        args.addAll(AwsCli.rawPayloadArgs());
        args.addAll(List.of("--payload", "{\"from\":\"cli\"}", out.toString()));
        ProcessResult p = lamina.cli().lambda(args.toArray(String[]::new)).assertSuccess();

        assertThat(p.json().path("StatusCode").asInt()).isEqualTo(202);
        assertThat(p.json().has("FunctionError")).isFalse();
        assertThat(Files.readAllBytes(out)).isEmpty();
        await(
                "the CLI's event to run",
                () -> lines(lamina, "echo", "event "),
                l -> l.stream().anyMatch(s -> s.endsWith(" {\"from\":\"cli\"}")));
    }

    @Test
    void the_java_sdk_invokes_with_invocation_type_event() {
        InvokeResponse r = lamina.lambda()
                .invoke(b -> b.functionName("echo")
                        .invocationType(InvocationType.EVENT)
                        .payload(SdkBytes.fromUtf8String("{\"from\":\"sdk\"}")));
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.functionError()).isNull();
        assertThat(r.payload().asByteArray()).isEmpty();
        String id = r.responseMetadata().requestId();
        assertThat(eventLines(id)).containsExactly("event " + id + " {\"from\":\"sdk\"}");
    }

    @Test
    void boto3_invokes_with_invocation_type_event_and_invoke_async(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("async.py");
        Files.writeString(script, """
                import os, json, boto3
                c = boto3.client("lambda", endpoint_url=os.environ["LAMINA_ENDPOINT"])
                r = c.invoke(FunctionName="echo", InvocationType="Event", Payload=b'{"from":"boto3"}')
                a = c.invoke_async(FunctionName="echo", InvokeArgs=b'{"from":"boto3-invoke-async"}')
                print(json.dumps({"status": r["StatusCode"], "id": r["ResponseMetadata"]["RequestId"],
                                  "payload": r["Payload"].read().decode(),
                                  "asyncStatus": a["Status"], "asyncId": a["ResponseMetadata"]["RequestId"]}))
                """);
        ProcessResult p = lamina.python(script, Map.of()).assertSuccess();
        JsonNode out = p.json();
        assertThat(out.path("status").asInt()).isEqualTo(202);
        assertThat(out.path("payload").asString()).isEmpty();
        assertThat(out.path("asyncStatus").asInt()).isEqualTo(202);
        String id = out.path("id").asString();
        String asyncId = out.path("asyncId").asString();
        assertThat(eventLines(id)).containsExactly("event " + id + " {\"from\":\"boto3\"}");
        assertThat(eventLines(asyncId)).containsExactly("event " + asyncId + " {\"from\":\"boto3-invoke-async\"}");
    }

    @Test
    void invoke_async_answers_202_with_its_status_in_the_body() {
        HttpResult r = lamina.http(
                "POST",
                "/2014-11-13/functions/echo/invoke-async/",
                "{\"legacy\":true}".getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(r.status()).as(r::toString).isEqualTo(202);
        Expect.jsonBodyIs(r, "{\"Status\":202}");
        assertThat(eventLines(r.requestId())).containsExactly("event " + r.requestId() + " {\"legacy\":true}");
    }

    /** A JSON string payload of exactly {@code size} bytes. */
    private static byte[] jsonOfSize(int size) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) 'a');
        b[0] = '"';
        b[size - 1] = '"';
        return b;
    }

    @Test
    void event_payloads_are_limited_to_1_mb_and_an_oversized_one_is_not_stored() {
        long before = stats(lamina, "size").path("AsyncEventsReceived").asLong();
        HttpResult tooBig = event(lamina, "size", jsonOfSize(1_048_577)); // BR-11 (c)
        String message = Expect.serviceError(tooBig, 413, "RequestTooLargeException");
        assertThat(message).isEqualTo("Request must be smaller than 1048576 bytes for the InvokeFunction operation");
        assertThat(stats(lamina, "size").path("AsyncEventsReceived").asLong()).isEqualTo(before);

        HttpResult fits = event(lamina, "size", jsonOfSize(1_000_000)); // BR-11 (d)
        assertThat(fits.status()).as(fits::toString).isEqualTo(202);
        HttpResult exactlyOneMb = event(lamina, "size", jsonOfSize(1_048_576));
        assertThat(exactlyOneMb.status()).as(exactlyOneMb::toString).isEqualTo(202);
        lamina.awaitReport("size", exactlyOneMb.requestId());
        lamina.awaitReport("size", fits.requestId());
        assertThat(lines(lamina, "size", "size "))
                .contains("size " + fits.requestId() + " 999998", "size " + exactlyOneMb.requestId() + " 1048574");
        assertThat(stats(lamina, "size").path("AsyncEventsReceived").asLong()).isEqualTo(before + 2);
    }

    @Test
    void invoke_async_payloads_are_limited_to_256_kb() {
        HttpResult tooBig =
                lamina.http("POST", "/2014-11-13/functions/echo/invoke-async/", jsonOfSize(262_145), Map.of());
        assertThat(Expect.serviceError(tooBig, 413, "RequestTooLargeException"))
                .isEqualTo("Request must be smaller than 262144 bytes for the InvokeAsync operation");
        HttpResult fits =
                lamina.http("POST", "/2014-11-13/functions/echo/invoke-async/", jsonOfSize(262_144), Map.of());
        assertThat(fits.status()).as(fits::toString).isEqualTo(202);
    }

    @Test
    void bad_events_are_refused_as_aws_refuses_them_and_nothing_is_stored() {
        awaitSettled(lamina, "echo");
        long before = stats(lamina, "echo").path("AsyncEventsReceived").asLong();

        HttpResult notJson = event(lamina, "echo", "{not json");
        assertThat(Expect.serviceError(notJson, 400, "InvalidRequestContentException"))
                .startsWith("Could not parse request body into json");
        HttpResult twoValues = event(lamina, "echo", "{} {}");
        Expect.serviceError(twoValues, 400, "InvalidRequestContentException");
        HttpResult badContext = lamina.invoke(
                "echo",
                "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Amz-Invocation-Type", "Event", "X-Amz-Client-Context", "%%%not-base64"));
        Expect.serviceError(badContext, 400, "InvalidRequestContentException");
        HttpResult badType =
                lamina.invoke("echo", "{}".getBytes(StandardCharsets.UTF_8), Map.of("X-Amz-Invocation-Type", "event"));
        assertThat(Expect.serviceError(badType, 400, "ValidationException")).contains("invocationType");
        HttpResult missing = event(lamina, "no-such-function", "{}");
        assertThat(Expect.serviceError(missing, 404, "ResourceNotFoundException"))
                .isEqualTo("Function not found: " + Lamina.functionArn("no-such-function"));
        HttpResult missingVersion = lamina.invoke(
                "echo:7", "{}".getBytes(StandardCharsets.UTF_8), Map.of("X-Amz-Invocation-Type", "Event"));
        Expect.serviceError(missingVersion, 404, "ResourceNotFoundException");
        HttpResult asyncNotJson = lamina.http(
                "POST", "/2014-11-13/functions/echo/invoke-async/", "nope".getBytes(StandardCharsets.UTF_8), Map.of());
        Expect.serviceError(asyncNotJson, 400, "InvalidRequestContentException");
        HttpResult asyncMissing = lamina.http(
                "POST", "/2014-11-13/functions/nobody/invoke-async/", "{}".getBytes(StandardCharsets.UTF_8), Map.of());
        Expect.serviceError(asyncMissing, 404, "ResourceNotFoundException");

        JsonNode after = stats(lamina, "echo");
        assertThat(after.path("AsyncEventsReceived").asLong()).isEqualTo(before);
        assertThat(after.path("Queued").asLong()
                        + after.path("Running").asLong()
                        + after.path("Failed").asLong())
                .isZero();
        assertThat(stats(lamina, "no-such-function").path("Queued").asLong()).isZero();
    }
}
