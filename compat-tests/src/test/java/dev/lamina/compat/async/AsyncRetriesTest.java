package dev.lamina.compat.async;

import static dev.lamina.compat.async.AsyncSupport.await;
import static dev.lamina.compat.async.AsyncSupport.event;
import static dev.lamina.compat.async.AsyncSupport.failed;
import static dev.lamina.compat.async.AsyncSupport.stats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.compat.Fixtures;
import dev.lamina.compat.HttpResult;
import dev.lamina.compat.Lamina;
import dev.lamina.compat.ProcessResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Case BR-43: a function error is retried twice, about 1 minute then 2 minutes later (here scaled: 0.6 s and 1.2 s),
 * always with the same event and request id; MaximumRetryAttempts=0 leaves one attempt; synchronous invokes are
 * never retried. What fails for good is kept, listed by {@code lamina events failed}, and sent again by
 * {@code lamina events redrive}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AsyncRetriesTest {

    static Lamina lamina;

    /** Logs {@code attempt <request id> <epoch seconds>} and raises. */
    static final String FAILING = """
            import time
            def handler(event, context):
                print("attempt " + context.aws_request_id + " " + repr(time.time()))
                raise Exception("boom")
            """;

    @BeforeAll
    static void start() {
        lamina = AsyncSupport.start();
        lamina.createFunction("failing", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(FAILING));
        lamina.createFunction("once", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(FAILING));
        lamina.createFunction("sync", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(FAILING));
    }

    @AfterAll
    static void stop() {
        AsyncSupport.stop(lamina);
    }

    private static List<Double> attempts(String function, String requestId) {
        return AsyncSupport.lines(lamina, function, "attempt " + requestId + " ").stream()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .toList();
    }

    private static JsonNode awaitFailed(String function, int n) {
        return await(
                "failed events of " + function,
                () -> stats(lamina, function),
                s -> s.path("Failed").asInt() == n
                        && s.path("Queued").asInt() == 0
                        && s.path("Running").asInt() == 0);
    }

    /** {@code lamina events ...} as a user runs it: the server's main class in its own JVM, over HTTP. */
    private static ProcessResult laminaCommand(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.lamina.server.Main"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint", lamina.endpoint().toString()));
        return ProcessResult.run(Map.of(), Duration.ofMinutes(1), command.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void a_function_error_is_retried_twice_with_the_same_event_then_kept_as_failed() {
        HttpResult r = event(lamina, "failing", "{\"order\":1}");
        assertThat(r.status()).isEqualTo(202);
        String id = r.requestId();
        awaitFailed("failing", 1);
        List<Double> times = attempts("failing", id);

        assertThat(times).as("executions of the one event").hasSize(3);
        assertThat(lamina.logs("failing").stream().filter(l -> l.startsWith("START RequestId: " + id)))
                .hasSize(3);
        // a retry never comes before its delay: ~1 minute, then ~2 minutes, scaled by 0.01
        assertThat(times.get(1) - times.get(0)).isGreaterThanOrEqualTo(0.6);
        assertThat(times.get(2) - times.get(1)).isGreaterThanOrEqualTo(1.2);

        List<JsonNode> kept = failed(lamina, "failing");
        assertThat(kept).hasSize(1);
        JsonNode e = kept.getFirst();
        assertThat(e.path("RequestId").asString()).isEqualTo(id);
        assertThat(e.path("Condition").asString()).isEqualTo("RetriesExhausted");
        assertThat(e.path("ApproximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(e.path("Error").asString()).isEqualTo("Exception: boom");
        assertThat(e.path("Payload").asString()).isEqualTo("{\"order\":1}");
        assertThat(e.path("FunctionArn").asString()).isEqualTo(Lamina.functionArn("failing"));
        JsonNode s = stats(lamina, "failing");
        assertThat(s.path("AsyncEventsReceived").asInt()).isEqualTo(1);
        assertThat(s.path("AsyncEventsDropped").asInt()).isEqualTo(1);
        assertThat(s.path("AsyncEventAge").path("Count").asInt()).isEqualTo(3);
    }

    @Test
    @Order(2)
    void with_maximum_retry_attempts_0_an_event_runs_exactly_once() {
        lamina.lambda().putFunctionEventInvokeConfig(b -> b.functionName("once").maximumRetryAttempts(0));
        HttpResult r = event(lamina, "once", "{\"order\":2}");
        awaitFailed("once", 1);
        assertThat(attempts("once", r.requestId())).hasSize(1);
        assertThat(failed(lamina, "once")
                        .getFirst()
                        .path("ApproximateInvokeCount")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    @Order(3)
    void a_synchronous_invoke_is_never_retried_by_the_service() throws Exception {
        HttpResult r = lamina.invoke("sync", "{}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Amz-Function-Error")).contains("Unhandled");
        lamina.awaitReport("sync", r.requestId());
        Thread.sleep(2_500); // more than both scaled retry delays: a retry would have come by now
        assertThat(attempts("sync", r.requestId())).hasSize(1);
        assertThat(stats(lamina, "sync").path("AsyncEventsReceived").asInt()).isZero();
    }

    @Test
    @Order(4)
    void lamina_events_failed_lists_them_with_their_error_and_redrive_runs_them_again() {
        ProcessResult list = laminaCommand("events", "failed", "failing").assertSuccess();
        String id = failed(lamina, "failing").getFirst().path("RequestId").asString();
        assertThat(list.stdout())
                .contains("REQUEST ID")
                .contains(id)
                .contains("RetriesExhausted")
                .contains("Exception: boom")
                .contains("1 failed event");
        assertThat(laminaCommand("events", "failed", "once").assertSuccess().stdout())
                .contains("1 failed event");

        ProcessResult redrive = laminaCommand("events", "redrive", "once").assertSuccess();
        assertThat(redrive.stdout()).contains("1 failed event of once queued again");
        String onceId = failed(lamina, "once").isEmpty()
                ? null
                : failed(lamina, "once").getFirst().path("RequestId").asString();
        await(
                "the redriven event to fail again",
                () -> stats(lamina, "once"),
                s -> s.path("Failed").asInt() == 1
                        && s.path("Queued").asInt() == 0
                        && s.path("Running").asInt() == 0);
        String again = failed(lamina, "once").getFirst().path("RequestId").asString();
        assertThat(attempts("once", again))
                .as("one attempt before, one after the redrive")
                .hasSize(2);
        if (onceId != null) {
            assertThat(again).isEqualTo(onceId);
        }

        ProcessResult all = laminaCommand("events", "redrive").assertSuccess();
        assertThat(all.stdout()).contains("2 failed events queued again");
        awaitFailed("failing", 1);
        awaitFailed("once", 1);
        assertThat(attempts("failing", id))
                .as("3 attempts, then 3 more after the redrive")
                .hasSize(6);
        assertThat(laminaCommand("events", "failed", "nobody").assertSuccess().stdout())
                .contains("nobody has no failed events");
    }

    @Test
    @Order(5)
    void lamina_events_without_a_server_says_so() {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessResult p = ProcessResult.run(
                Map.of(),
                Duration.ofMinutes(1),
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.lamina.server.Main",
                "events",
                "failed",
                "f",
                "--endpoint",
                "http://127.0.0.1:1");
        assertThat(p.exitCode()).isEqualTo(1);
        assertThat(p.stderr()).contains("no server answers");
    }
}
