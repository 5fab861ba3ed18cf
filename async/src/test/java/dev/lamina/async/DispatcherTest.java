package dev.lamina.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.model.InvocationResult;
import dev.lamina.model.Settings;
import dev.lamina.store.EventStore;
import dev.lamina.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dispatcher and the event processor on a real queue, with a scripted data plane: retries with scaled delays,
 * destinations, throttles, event age, the concurrency bounds, and recovery of a dead process's claims. Times are
 * only ever checked as lower bounds (a retry never comes before its delay).
 */
class DispatcherTest {

    private static final Settings SETTINGS = new Settings("us-east-1", "000000000000");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final double SCALE = 0.005; // 1 minute = 300 ms
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Map<String, EventInvokeConfig> configs = new ConcurrentHashMap<>();
    private final Map<String, List<Call>> calls = new ConcurrentHashMap<>();
    private final AsyncCounters counters = new AsyncCounters();
    private Function<StoredEvent, Attempt> script = e -> Attempt.of(ok("null"));
    private QueueWriter writer;
    private Dispatcher dispatcher;

    record Call(String requestId, String payload, long nanos) {}

    private static InvocationResult ok(String body) {
        return new InvocationResult(body.getBytes(StandardCharsets.UTF_8), null, "$LATEST", null);
    }

    private static InvocationResult error(String body) {
        return new InvocationResult(body.getBytes(StandardCharsets.UTF_8), "Unhandled", "$LATEST", null);
    }

    private static String arn(String function) {
        return SETTINGS.functionArn(function);
    }

    private void start(AsyncSettings settings) {
        writer = new QueueWriter(EventStore.open(dir));
        Invoker invoker = e -> {
            calls.computeIfAbsent(e.functionName(), f -> Collections.synchronizedList(new ArrayList<>()))
                    .add(new Call(e.requestId(), new String(e.payload(), StandardCharsets.UTF_8), System.nanoTime()));
            return script.apply(e);
        };
        Dispatcher[] d = new Dispatcher[1];
        EventProcessor processor = new EventProcessor(
                writer,
                invoker,
                (f, q) -> configs.getOrDefault(f, EventInvokeConfig.defaults(f, "$LATEST")),
                destination -> destination.startsWith(arn("")) && !destination.endsWith(":missing")
                        ? Optional.of(new EventInvokeConfigs.Target(
                                destination.substring(arn("").length()), null, destination))
                        : Optional.empty(),
                counters,
                SETTINGS,
                settings.delayScale(),
                System::currentTimeMillis,
                () -> d[0].wake());
        dispatcher = d[0] = new Dispatcher(writer, processor, settings, System::currentTimeMillis);
        dispatcher.start();
    }

    private void start() {
        start(AsyncSettings.defaults().withDelayScale(SCALE));
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
            dispatcher.awaitIdle(5_000);
        }
        if (writer != null) {
            writer.close();
        }
    }

    private String accept(String function, String payload) {
        String id = java.util.UUID.randomUUID().toString();
        StoredEvent e = StoredEvent.accepted(
                id,
                function,
                null,
                arn(function),
                payload.getBytes(StandardCharsets.UTF_8),
                null,
                System.currentTimeMillis());
        writer.write(store -> store.insert(e));
        dispatcher.wake();
        return id;
    }

    private List<Call> calls(String function) {
        return calls.getOrDefault(function, List.of());
    }

    private Map<String, Long> states(String function) {
        return writer.write(store -> store.countByState(function));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private StoredEvent failedEvent(String function) {
        List<StoredEvent> failed = writer.write(store -> store.failed(function, 10));
        assertThat(failed).hasSize(1);
        return failed.getFirst();
    }

    @Test
    void a_function_error_is_retried_twice_after_a_minute_then_two_then_kept_as_failed() throws Exception {
        script = e -> Attempt.of(error("{\"errorType\":\"Exception\",\"errorMessage\":\"boom\"}"));
        start();
        String id = accept("f", "{\"n\":1}");
        await("the event to fail", () -> states("f").getOrDefault(StoredEvent.FAILED, 0L) == 1);

        List<Call> attempts = calls("f");
        assertThat(attempts)
                .hasSize(3)
                .allMatch(c -> c.requestId().equals(id) && c.payload().equals("{\"n\":1}"));
        long oneMinute = RetryPolicy.functionErrorDelayMillis(1, SCALE) * 1_000_000;
        assertThat(attempts.get(1).nanos() - attempts.get(0).nanos()).isGreaterThanOrEqualTo(oneMinute);
        assertThat(attempts.get(2).nanos() - attempts.get(1).nanos()).isGreaterThanOrEqualTo(2 * oneMinute);
        StoredEvent failed = failedEvent("f");
        assertThat(failed.requestId()).isEqualTo(id);
        assertThat(failed.condition()).isEqualTo("RetriesExhausted");
        assertThat(failed.invokeCount()).isEqualTo(3);
        assertThat(failed.error()).isEqualTo("Exception: boom");
        assertThat(counters.snapshot("f").dropped()).isEqualTo(1);
        assertThat(counters.snapshot("f").ageCount()).isEqualTo(3);
    }

    @Test
    void zero_retry_attempts_means_one_attempt() throws Exception {
        configs.put("f", new EventInvokeConfig("f", "$LATEST", 0, null, null, null, 0));
        script = e -> Attempt.of(error("{\"errorType\":\"Exception\",\"errorMessage\":\"boom\"}"));
        start();
        accept("f", "{}");
        await("the event to fail", () -> states("f").getOrDefault(StoredEvent.FAILED, 0L) == 1);
        assertThat(calls("f")).hasSize(1);
        assertThat(failedEvent("f").invokeCount()).isEqualTo(1);
    }

    @Test
    void the_on_failure_destination_gets_the_record_and_the_event_is_not_kept() throws Exception {
        configs.put("f", new EventInvokeConfig("f", "$LATEST", 1, null, null, arn("dest"), 0));
        script = e -> e.functionName().equals("f")
                ? Attempt.of(error("{\"errorMessage\":\"boom\",\"errorType\":\"Exception\",\"stackTrace\":[]}"))
                : Attempt.of(ok("null"));
        start();
        String id = accept("f", "{\"order\": 7}");
        await("the record at the destination", () -> !calls("dest").isEmpty());

        JsonNode record = JSON.readTree(calls("dest").getFirst().payload());
        assertThat(record.path("version").asString()).isEqualTo("1.0");
        assertThat(record.path("timestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(record.path("requestContext"))
                .isEqualTo(JSON.readTree("{\"requestId\":\"" + id + "\",\"functionArn\":\"" + arn("f")
                        + ":$LATEST\",\"condition\":\"RetriesExhausted\",\"approximateInvokeCount\":2}"));
        assertThat(record.path("requestPayload")).isEqualTo(JSON.readTree("{\"order\":7}"));
        assertThat(record.path("responseContext"))
                .isEqualTo(JSON.readTree(
                        "{\"statusCode\":200,\"executedVersion\":\"$LATEST\",\"functionError\":\"Unhandled\"}"));
        assertThat(record.path("responsePayload"))
                .isEqualTo(JSON.readTree("{\"errorMessage\":\"boom\",\"errorType\":\"Exception\",\"stackTrace\":[]}"));
        assertThat(calls("dest").getFirst().requestId()).isNotEqualTo(id);
        await("the event gone", () -> states("f").isEmpty());
        assertThat(counters.snapshot("f").dropped()).isEqualTo(1);
        assertThat(counters.snapshot("f").destinationDeliveries()).isEqualTo(1);
    }

    @Test
    void the_on_success_destination_gets_the_record() throws Exception {
        configs.put("f", new EventInvokeConfig("f", "$LATEST", null, null, arn("dest"), null, 0));
        script = e -> Attempt.of(ok(e.functionName().equals("f") ? "{\"total\":42}" : "null"));
        start();
        String id = accept("f", "{\"a\":1}");
        await("the record at the destination", () -> !calls("dest").isEmpty());
        JsonNode record = JSON.readTree(calls("dest").getFirst().payload());
        assertThat(record.path("requestContext").path("requestId").asString()).isEqualTo(id);
        assertThat(record.path("requestContext").path("condition").asString()).isEqualTo("Success");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt())
                .isEqualTo(1);
        assertThat(record.path("responseContext"))
                .isEqualTo(JSON.readTree("{\"statusCode\":200,\"executedVersion\":\"$LATEST\"}"));
        assertThat(record.path("responsePayload")).isEqualTo(JSON.readTree("{\"total\":42}"));
    }

    @Test
    void a_missing_on_failure_destination_keeps_the_event_as_failed() throws Exception {
        configs.put("f", new EventInvokeConfig("f", "$LATEST", 0, null, null, arn("missing"), 0));
        script = e -> Attempt.of(error("{\"errorType\":\"Exception\",\"errorMessage\":\"boom\"}"));
        start();
        accept("f", "{}");
        await("the event to fail", () -> states("f").getOrDefault(StoredEvent.FAILED, 0L) == 1);
        assertThat(failedEvent("f").error())
                .contains("boom")
                .contains(arn("missing"))
                .contains("does not exist");
        assertThat(counters.snapshot("f").destinationDeliveryFailures()).isEqualTo(1);
    }

    @Test
    void throttles_back_off_and_do_not_use_up_retries() throws Exception {
        configs.put("f", new EventInvokeConfig("f", "$LATEST", 0, null, arn("dest"), null, 0));
        AtomicInteger n = new AtomicInteger();
        script = e -> e.functionName().equals("f") && n.incrementAndGet() <= 3
                ? Attempt.throttled("TooManyRequestsException: Rate Exceeded.")
                : Attempt.of(ok("\"done\""));
        start();
        accept("f", "{}");
        await("the record at the destination", () -> !calls("dest").isEmpty());
        List<Call> attempts = calls("f");
        assertThat(attempts).hasSize(4);
        for (int i = 1; i < 4; i++) {
            assertThat(attempts.get(i).nanos() - attempts.get(i - 1).nanos())
                    .isGreaterThanOrEqualTo(RetryPolicy.backoffMillis(i, SCALE) * 1_000_000);
        }
        JsonNode record = JSON.readTree(calls("dest").getFirst().payload());
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt())
                .isEqualTo(1);
    }

    @Test
    void an_event_too_old_fails_with_event_age_exceeded_and_its_record_has_no_response() throws Exception {
        configs.put("f", new EventInvokeConfig("f", "$LATEST", null, 60, null, arn("dest"), 0));
        script = e -> e.functionName().equals("f")
                ? Attempt.throttled("TooManyRequestsException: Rate Exceeded.")
                : Attempt.of(ok("null"));
        start(AsyncSettings.defaults().withDelayScale(0.01)); // 60 s of age = 600 ms
        String id = accept("f", "{}");
        await("the record at the destination", () -> !calls("dest").isEmpty());
        JsonNode record = JSON.readTree(calls("dest").getFirst().payload());
        assertThat(record.path("requestContext").path("requestId").asString()).isEqualTo(id);
        assertThat(record.path("requestContext").path("condition").asString()).isEqualTo("EventAgeExceeded");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt())
                .isZero();
        assertThat(record.has("responseContext")).isFalse();
        assertThat(record.has("responsePayload")).isFalse();
        assertThat(calls("f").size()).isGreaterThan(1);
    }

    @Test
    void a_function_backlog_runs_within_its_bound_and_does_not_hold_up_other_functions() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        script = e -> {
            if (e.functionName().equals("slow")) {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    throw new IllegalStateException(ex);
                }
                running.decrementAndGet();
            }
            return Attempt.of(ok("null"));
        };
        start(AsyncSettings.defaults().withDelayScale(SCALE).withConcurrency(8, 2));
        for (int i = 0; i < 10; i++) {
            accept("slow", "{\"i\":" + i + "}");
        }
        await("two slow attempts running", () -> running.get() == 2);
        accept("quick", "{}");
        await("the quick function's event", () -> calls("quick").size() == 1);
        assertThat(running.get()).isEqualTo(2);
        assertThat(states("slow").values().stream().mapToLong(Long::longValue).sum())
                .as("none of the slow events done yet")
                .isEqualTo(10L);
        release.countDown();
        await("the backlog", () -> states("slow").isEmpty());
        assertThat(calls("slow")).hasSize(10);
        assertThat(most.get()).isEqualTo(2);
    }

    @Test
    void a_function_that_is_gone_keeps_its_event_as_failed() throws Exception {
        configs.put("f", new EventInvokeConfig("f", "$LATEST", null, null, null, arn("dest"), 0));
        script = e -> Attempt.functionNotFound("ResourceNotFoundException: Function not found: " + arn("f"));
        start();
        accept("f", "{}");
        await("the event to fail", () -> states("f").getOrDefault(StoredEvent.FAILED, 0L) == 1);
        StoredEvent failed = failedEvent("f");
        assertThat(failed.condition()).isEqualTo("FunctionNotFound");
        assertThat(failed.error()).contains("Function not found");
        assertThat(calls("dest")).isEmpty();
    }

    @Test
    void redrive_queues_failed_events_again_as_new() throws Exception {
        AtomicInteger n = new AtomicInteger();
        configs.put("f", new EventInvokeConfig("f", "$LATEST", 0, null, null, null, 0));
        script = e -> n.incrementAndGet() == 1
                ? Attempt.of(error("{\"errorType\":\"Exception\",\"errorMessage\":\"boom\"}"))
                : Attempt.of(ok("null"));
        start();
        String id = accept("f", "{}");
        await("the event to fail", () -> states("f").getOrDefault(StoredEvent.FAILED, 0L) == 1);
        long now = System.currentTimeMillis();
        int redriven = writer.write(store -> store.redrive("f", now));
        assertThat(redriven).isEqualTo(1);
        dispatcher.wake();
        await("the redriven event", () -> states("f").isEmpty());
        assertThat(calls("f")).extracting(Call::requestId).containsExactly(id, id);
    }

    @Test
    void claims_left_by_a_dead_process_are_taken_back_at_start() throws Exception {
        try (EventStore store = EventStore.open(dir)) {
            long seq = store.insert(StoredEvent.accepted(
                    "orphan",
                    "f",
                    null,
                    arn("f"),
                    "{}".getBytes(StandardCharsets.UTF_8),
                    null,
                    System.currentTimeMillis()));
            // a claim whose process then died, with a lease that has not ended
            assertThat(store.claim(seq, Long.MAX_VALUE, System.currentTimeMillis()))
                    .isTrue();
        }
        try (AsyncInvocations async = AsyncInvocations.start(
                dir,
                null,
                e -> {
                    calls.computeIfAbsent(e.functionName(), f -> Collections.synchronizedList(new ArrayList<>()))
                            .add(new Call(e.requestId(), "", System.nanoTime()));
                    return Attempt.of(ok("null"));
                },
                SETTINGS,
                AsyncSettings.defaults(),
                System::currentTimeMillis)) {
            await("the orphan to run", () -> !calls("f").isEmpty());
            assertThat(calls("f")).extracting(Call::requestId).containsExactly("orphan");
            await(
                    "the orphan done",
                    () -> async.stats("f").queued() + async.stats("f").running() == 0);
        }
    }

    @Test
    void an_expired_lease_frees_the_event_and_a_stale_claim_cannot_record_its_outcome() {
        try (EventStore store = EventStore.open(dir)) {
            long seq = store.insert(StoredEvent.accepted(
                    "e1", "f", null, arn("f"), "{}".getBytes(StandardCharsets.UTF_8), null, 1_000));
            assertThat(store.claim(seq, 2_000, 1_000)).isTrue();
            StoredEvent first = store.get(seq).orElseThrow();
            assertThat(store.expireLeases(1_999)).isZero();
            assertThat(store.expireLeases(2_000)).isEqualTo(1);
            assertThat(store.claim(seq, 9_000, 2_000)).isTrue();
            assertThat(store.delete(seq, first.claims()))
                    .as("the first claim is stale")
                    .isFalse();
            assertThat(store.delete(seq, first.claims() + 1)).isTrue();
        }
    }

    @Test
    void counters_follow_events() {
        Map<String, Long> none = new HashMap<>();
        assertThat(counters.snapshot("nobody").received()).isZero();
        counters.received("f");
        counters.eventAge("f", 5);
        counters.eventAge("f", 9);
        assertThat(counters.snapshot("f")).isEqualTo(new AsyncCounters.Snapshot(1, 0, 2, 14, 9, 0, 0));
        assertThat(none).isEmpty();
    }
}
