package dev.lamina.compat.async;

import static dev.lamina.compat.async.AsyncSupport.await;
import static dev.lamina.compat.async.AsyncSupport.awaitSettled;
import static dev.lamina.compat.async.AsyncSupport.event;
import static dev.lamina.compat.async.AsyncSupport.failed;
import static dev.lamina.compat.async.AsyncSupport.stats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.compat.Expect;
import dev.lamina.compat.Fixtures;
import dev.lamina.compat.HttpResult;
import dev.lamina.compat.Lamina;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Asynchronous work and concurrency: a backlog of events runs within its bound and never holds up synchronous
 * invokes of the same function; with reserved concurrency, throttled events wait and run later (case BR-44: an Event
 * invoke while throttled is accepted with 202), and reserved concurrency 0 fails them without retries.
 */
class AsyncConcurrencyTest {

    static Lamina lamina;

    static final String SLOW = """
            import time
            def handler(event, context):
                print("ran " + context.aws_request_id)
                time.sleep(1)
                return "slept"
            """;

    @BeforeAll
    static void start() {
        lamina = AsyncSupport.start();
        lamina.createFunction("backlog", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(SLOW), 10);
        lamina.createFunction("reserved", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(SLOW), 10);
        lamina.createFunction("disabled", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(SLOW), 10);
    }

    @AfterAll
    static void stop() {
        AsyncSupport.stop(lamina);
    }

    @Test
    void a_backlog_of_events_does_not_hold_up_synchronous_invokes_of_the_same_function() {
        for (int i = 0; i < 40; i++) {
            assertThat(event(lamina, "backlog", "{\"i\":" + i + "}").status()).isEqualTo(202);
        }
        await(
                "the backlog to start",
                () -> stats(lamina, "backlog"),
                s -> s.path("Running").asInt() > 0);

        HttpResult sync = lamina.invoke("backlog", "{\"sync\":true}");
        Expect.success(sync);
        assertThat(sync.bodyText()).isEqualTo("\"slept\"");
        JsonNode whenAnswered = stats(lamina, "backlog");
        assertThat(whenAnswered.path("Queued").asInt()
                        + whenAnswered.path("Running").asInt())
                .as("the synchronous invoke was answered while most of the backlog still waited")
                .isPositive();

        JsonNode done = awaitSettled(lamina, "backlog");
        assertThat(done.path("Failed").asInt()).isZero();
        assertThat(AsyncSupport.lines(lamina, "backlog", "ran ")).hasSize(41);
    }

    @Test
    void with_reserved_concurrency_throttled_events_are_accepted_and_run_later() {
        lamina.lambda().putFunctionConcurrency(b -> b.functionName("reserved").reservedConcurrentExecutions(1));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResult r = event(lamina, "reserved", "{\"i\":" + i + "}");
            assertThat(r.status()).as(r::toString).isEqualTo(202);
            ids.add(r.requestId());
        }
        JsonNode done = awaitSettled(lamina, "reserved");
        assertThat(done.path("Failed").asInt()).isZero();
        for (String id : ids) {
            assertThat(AsyncSupport.lines(lamina, "reserved", "ran " + id)).hasSize(1);
        }
    }

    @Test
    void with_reserved_concurrency_0_events_fail_at_once_without_running() {
        lamina.lambda().putFunctionConcurrency(b -> b.functionName("disabled").reservedConcurrentExecutions(0));
        HttpResult r = event(lamina, "disabled", "{}");
        assertThat(r.status())
                .as("accepted even though every invoke is throttled")
                .isEqualTo(202);
        await("the event to fail", () -> failed(lamina, "disabled"), f -> f.size() == 1);
        JsonNode e = failed(lamina, "disabled").getFirst();
        assertThat(e.path("RequestId").asString()).isEqualTo(r.requestId());
        assertThat(e.path("Condition").asString()).isEqualTo("ZeroReservedConcurrency");
        assertThat(e.path("ApproximateInvokeCount").asInt()).isZero();
        assertThat(e.path("Error").asString()).contains("TooManyRequestsException");
        assertThat(lamina.logs("disabled")).noneMatch(l -> l.contains(r.requestId()));
    }
}
