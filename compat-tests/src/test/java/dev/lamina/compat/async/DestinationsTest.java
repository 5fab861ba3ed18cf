package dev.lamina.compat.async;

import static dev.lamina.compat.async.AsyncSupport.await;
import static dev.lamina.compat.async.AsyncSupport.event;
import static dev.lamina.compat.async.AsyncSupport.failed;
import static dev.lamina.compat.async.AsyncSupport.stats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.compat.Fixtures;
import dev.lamina.compat.HttpResult;
import dev.lamina.compat.Json;
import dev.lamina.compat.Lamina;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * OnSuccess and OnFailure destinations to other functions: the destination receives the invocation record exactly as
 * AWS builds it (surface §5): version, timestamp, requestContext (requestId, qualified functionArn, condition,
 * approximateInvokeCount), requestPayload, responseContext (statusCode, executedVersion, functionError) and
 * responsePayload, in that order.
 */
class DestinationsTest {

    static Lamina lamina;

    /** Returns {"total": n * 2}, or raises when the event asks it to. */
    static final String SOURCE = """
            def handler(event, context):
                if event.get("fail"):
                    raise ValueError("cannot total " + str(event["n"]))
                return {"total": event["n"] * 2}
            """;

    /** Prints the record it was given, as one line. */
    static final String DESTINATION = """
            import json
            def handler(event, context):
                print("record " + json.dumps(event, separators=(",", ":")))
            """;

    @BeforeAll
    static void start() {
        lamina = AsyncSupport.start();
        lamina.createFunction("source", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(SOURCE));
        lamina.createFunction("on-success", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(DESTINATION));
        lamina.createFunction("on-failure", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(DESTINATION));
        lamina.lambda().publishVersion(b -> b.functionName("source"));
        lamina.lambda()
                .putFunctionEventInvokeConfig(b -> b.functionName("source")
                        .maximumRetryAttempts(1)
                        .destinationConfig(d -> d.onSuccess(s -> s.destination(Lamina.functionArn("on-success")))
                                .onFailure(f -> f.destination(Lamina.functionArn("on-failure")))));
        lamina.lambda()
                .putFunctionEventInvokeConfig(b -> b.functionName("source")
                        .qualifier("1")
                        .maximumRetryAttempts(0)
                        .destinationConfig(d -> d.onSuccess(s -> s.destination(Lamina.functionArn("on-success")))
                                .onFailure(f -> f.destination(Lamina.functionArn("on-failure")))));
    }

    @AfterAll
    static void stop() {
        AsyncSupport.stop(lamina);
    }

    /** The record the destination printed for the source event {@code requestId}. */
    private static JsonNode record(String destination, String requestId) {
        List<String> lines = await(
                "the record of " + requestId + " at " + destination,
                () -> AsyncSupport.lines(lamina, destination, "record "),
                l -> l.stream().anyMatch(s -> s.contains("\"requestId\":\"" + requestId + "\"")));
        return Json.parse(lines.stream()
                .filter(s -> s.contains("\"requestId\":\"" + requestId + "\""))
                .findFirst()
                .orElseThrow()
                .substring("record ".length()));
    }

    private static void assertTimestamp(JsonNode record) {
        assertThat(record.path("timestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    @Test
    void on_success_the_destination_gets_the_success_record() {
        HttpResult r = event(lamina, "source", "{\"n\":21}");
        assertThat(r.status()).isEqualTo(202);
        JsonNode record = record("on-success", r.requestId());

        assertThat(List.copyOf(record.propertyNames()))
                .containsExactly(
                        "version",
                        "timestamp",
                        "requestContext",
                        "requestPayload",
                        "responseContext",
                        "responsePayload");
        assertThat(record.path("version").asString()).isEqualTo("1.0");
        assertTimestamp(record);
        assertThat(record.path("requestContext"))
                .isEqualTo(Json.parse("{\"requestId\":\"" + r.requestId() + "\",\"functionArn\":\""
                        + Lamina.functionArn("source") + ":$LATEST\",\"condition\":\"Success\","
                        + "\"approximateInvokeCount\":1}"));
        assertThat(List.copyOf(record.path("requestContext").propertyNames()))
                .containsExactly("requestId", "functionArn", "condition", "approximateInvokeCount");
        assertThat(record.path("requestPayload")).isEqualTo(Json.parse("{\"n\":21}"));
        assertThat(record.path("responseContext"))
                .isEqualTo(Json.parse("{\"statusCode\":200,\"executedVersion\":\"$LATEST\"}"));
        assertThat(record.path("responsePayload")).isEqualTo(Json.parse("{\"total\":42}"));
    }

    @Test
    void on_failure_after_the_retries_the_destination_gets_the_failure_record() {
        HttpResult r = event(lamina, "source", "{\"n\":5,\"fail\":true}");
        JsonNode record = record("on-failure", r.requestId());

        assertThat(List.copyOf(record.propertyNames()))
                .containsExactly(
                        "version",
                        "timestamp",
                        "requestContext",
                        "requestPayload",
                        "responseContext",
                        "responsePayload");
        assertTimestamp(record);
        assertThat(record.path("requestContext"))
                .isEqualTo(Json.parse("{\"requestId\":\"" + r.requestId() + "\",\"functionArn\":\""
                        + Lamina.functionArn("source") + ":$LATEST\",\"condition\":\"RetriesExhausted\","
                        + "\"approximateInvokeCount\":2}"));
        assertThat(record.path("requestPayload")).isEqualTo(Json.parse("{\"n\":5,\"fail\":true}"));
        assertThat(List.copyOf(record.path("responseContext").propertyNames()))
                .containsExactly("statusCode", "executedVersion", "functionError");
        assertThat(record.path("responseContext"))
                .isEqualTo(Json.parse(
                        "{\"statusCode\":200,\"executedVersion\":\"$LATEST\",\"functionError\":\"Unhandled\"}"));
        JsonNode error = record.path("responsePayload");
        assertThat(error.path("errorMessage").asString()).isEqualTo("cannot total 5");
        assertThat(error.path("errorType").asString()).isEqualTo("ValueError");
        assertThat(error.path("stackTrace").isArray()).isTrue();
        // sent on: not kept as failed, but counted as dropped (AWS counts events that end without success)
        assertThat(failed(lamina, "source")).isEmpty();
        assertThat(stats(lamina, "source").path("DestinationDeliveries").asInt())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void an_event_for_a_version_names_it_in_the_record_and_uses_its_config() {
        HttpResult r = lamina.invoke(
                "source:1",
                "{\"n\":1,\"fail\":true}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Amz-Invocation-Type", "Event"));
        assertThat(r.status()).isEqualTo(202);
        JsonNode record = record("on-failure", r.requestId());
        assertThat(record.path("requestContext").path("functionArn").asString())
                .isEqualTo(Lamina.functionArn("source") + ":1");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt())
                .as("MaximumRetryAttempts 0 on version 1")
                .isEqualTo(1);
        assertThat(record.path("responseContext").path("executedVersion").asString())
                .isEqualTo("1");
    }

    @Test
    void the_record_is_an_event_of_the_destination_with_its_own_request_id() {
        HttpResult r = event(lamina, "source", "{\"n\":2}");
        record("on-success", r.requestId());
        List<String> starts = lamina.logs("on-success").stream()
                .filter(l -> l.startsWith("START RequestId: "))
                .toList();
        assertThat(starts).noneMatch(l -> l.contains(r.requestId()));
        assertThat(stats(lamina, "on-success").path("AsyncEventsReceived").asInt())
                .isGreaterThanOrEqualTo(1);
    }
}
