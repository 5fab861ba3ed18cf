package dev.lamina.engine.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.engine.EngineConfig;
import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.engine.sandbox.BubblewrapSandbox;
import dev.lamina.engine.sandbox.ProcessSandbox;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Invocation;
import dev.lamina.model.InvocationResult;
import dev.lamina.model.Settings;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invoke path with real child processes: a custom runtime (a shell script with curl, in test resources) speaks
 * the real Runtime API to real instances.
 */
class InvokePathTest {

    @TempDir
    Path data;

    private final List<String> logs = new CopyOnWriteArrayList<>();
    private Engine engine;

    @BeforeEach
    void start() {
        engine = newEngine(1_000_000);
    }

    private Engine newEngine(long memoryBudgetMb) {
        String bwrap = BubblewrapSandbox.find();
        EngineConfig config = new EngineConfig(
                new Settings("us-east-1", "000000000000"),
                bwrap != null ? new BubblewrapSandbox(bwrap) : new ProcessSandbox(),
                Runtimes.discover(Map.of()),
                data.resolve("runtime"),
                data.resolve("instances"),
                (group, stream, ts, line) -> logs.add(line),
                Duration.ofMinutes(1),
                Duration.ofSeconds(10),
                "http://127.0.0.1:1",
                1000,
                memoryBudgetMb,
                1000);
        data.resolve("runtime/provided").toFile().mkdirs();
        return new Engine(config);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private static FunctionDeployment deployment(String runtime, int timeout, String revision)
            throws URISyntaxException {
        Path code =
                Path.of(InvokePathTest.class.getResource("/runtimes/" + runtime).toURI());
        return new FunctionDeployment(
                "f",
                "$LATEST",
                "arn:aws:lambda:us-east-1:000000000000:function:f",
                "provided.al2023",
                "handler",
                128,
                timeout,
                Map.of(),
                code,
                revision);
    }

    private InvocationResult invoke(FunctionDeployment d, String event) {
        return engine.invoke(d, invocation(d, event));
    }

    private static Invocation invocation(FunctionDeployment d, String event) {
        return new Invocation(
                UUID.randomUUID().toString(),
                event.getBytes(StandardCharsets.UTF_8),
                d.functionArn(),
                true,
                null,
                null);
    }

    private static String stream(InvocationResult r) {
        return body(r).replaceAll(".*\"stream\":\"([^\"]+)\".*", "$1");
    }

    private static String body(InvocationResult r) {
        return new String(r.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void a_provisioned_instance_retired_while_it_initialises_stops_once_ready() throws Exception {
        FunctionDeployment d = deployment("slowinit", 3, "r1"); // its init takes a second
        engine.provision(d, 1);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (slowInits() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(slowInits()).isPositive();

        engine.retire("f", null); // while it initialises: DRAINING, with nothing reserved

        deadline = System.nanoTime() + 10_000_000_000L;
        while (slowInits() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(slowInits()).as("the drained instance's process").isZero();
    }

    /** Live processes of the slow-init runtime started by this JVM (its code folder is on their command line). */
    private static long slowInits() {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("runtimes/slowinit"))
                .count();
    }

    @Test
    void a_warm_instance_is_reused_for_the_next_invocation() throws Exception {
        FunctionDeployment d = deployment("scripted", 3, "r1");
        InvocationResult first = invoke(d, "{}");
        InvocationResult second = invoke(d, "{}");
        assertThat(first.failed()).isFalse();
        assertThat(body(first)).contains("\"stream\"");
        assertThat(stream(second)).isEqualTo(stream(first));
        assertThat(body(second)).contains("\"tmp\":\"2\""); // /tmp kept the file the first invocation made
        assertThat(first.logTail()).contains("Init Duration");
        assertThat(second.logTail()).doesNotContain("Init Duration").doesNotContain("INIT_START");
        assertThat(engine.instanceCount()).isEqualTo(1);
    }

    @Test
    void an_invocation_goes_to_an_idle_warm_instance_without_blocking_and_only_then() throws Exception {
        FunctionDeployment d = deployment("scripted", 5, "r1");
        assertThat(engine.tryInvokeWarm(d, invocation(d, "{}")))
                .as("no instance yet")
                .isNull();
        InvocationResult cold = invoke(d, "{}");

        CompletableFuture<InvocationResult> busy = engine.tryInvokeWarm(d, invocation(d, "{\"pause\":1}"));
        assertThat(busy).as("the idle instance takes it").isNotNull();
        assertThat(engine.tryInvokeWarm(d, invocation(d, "{}")))
                .as("the only instance is busy: the caller must start one")
                .isNull();
        InvocationResult warm = busy.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(stream(warm)).isEqualTo(stream(cold));
        assertThat(warm.logTail()).doesNotContain("Init Duration");

        // Given back once answered: the next one is placed at once again, on the same instance.
        InvocationResult again =
                engine.tryInvokeWarm(d, invocation(d, "{}")).get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(stream(again)).isEqualTo(stream(cold));
        assertThat(engine.instanceCount()).isEqualTo(1);
        assertThat(engine.limits().inFlight("f"))
                .as("the concurrency permits are given back")
                .isZero();
    }

    @Test
    void without_the_tail_the_report_follows_the_answer_and_still_comes_before_the_next_start() throws Exception {
        FunctionDeployment d = deployment("scripted", 3, "r1");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Invocation quiet = new Invocation(
                    UUID.randomUUID().toString(),
                    "{}".getBytes(StandardCharsets.UTF_8),
                    d.functionArn(),
                    false,
                    null,
                    null);
            InvocationResult r = engine.invoke(d, quiet);
            assertThat(r.failed()).isFalse();
            assertThat(r.logTail()).isNull();
            ids.add(quiet.requestId());
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (logs.stream().noneMatch(l -> l.startsWith("REPORT RequestId: " + ids.getLast()))
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        List<String> platform = logs.stream()
                .filter(l -> l.startsWith("START ") || l.startsWith("END ") || l.startsWith("REPORT "))
                .map(l -> l.substring(0, l.indexOf(' ')) + " " + l.split("\\s+")[2])
                .toList();
        List<String> expected = new java.util.ArrayList<>();
        for (String id : ids) {
            expected.addAll(List.of("START " + id, "END " + id, "REPORT " + id));
        }
        assertThat(platform).containsExactlyElementsOf(expected);
        assertThat(logs.stream().filter(l -> l.startsWith("REPORT ")))
                .allSatisfy(l -> assertThat(l).contains("Max Memory Used: "));
    }

    @Test
    void handing_an_invocation_over_does_not_wake_the_timer_thread() throws Exception {
        FunctionDeployment d = deployment("scripted", 3, "r1");
        invoke(d, "{}");
        int invocations = 60;
        long before = timerWakeUps();
        long start = System.nanoTime();
        for (int i = 0; i < invocations; i++) {
            assertThat(invoke(d, "{}").failed()).isFalse();
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        long wakeUps = timerWakeUps() - before;
        // Each invocation schedules its timeout. The timer thread wakes for its 100 ms ticks, not once per invocation
        // (as when a new timeout became the head of its queue).
        long timerThreads = timerThreads().count();
        assertThat(wakeUps)
                .as("timer wake-ups over %d invocations in %d ms", invocations, elapsedMs)
                .isLessThanOrEqualTo(timerThreads * (elapsedMs / 100 + 2) + 10);
    }

    /** The engines' timer threads (this test's, and any other engine's still running in this JVM), by native name. */
    private static java.util.stream.Stream<Path> timerThreads() throws java.io.IOException {
        List<Path> tasks;
        try (var all = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
            tasks = all.toList();
        }
        return tasks.stream().filter(task -> {
            try {
                return java.nio.file.Files.readString(task.resolve("comm"))
                        .trim()
                        .equals("instance-timers");
            } catch (java.io.IOException e) {
                return false; // the thread ended
            }
        });
    }

    private static long timerWakeUps() throws java.io.IOException {
        return timerThreads()
                .mapToLong(task -> {
                    try {
                        return java.nio.file.Files.readAllLines(task.resolve("status")).stream()
                                .filter(line -> line.startsWith("voluntary_ctxt_switches:"))
                                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                                .sum();
                    } catch (java.io.IOException e) {
                        return 0;
                    }
                })
                .sum();
    }

    @Test
    void concurrent_invocations_run_on_separate_instances() throws Exception {
        FunctionDeployment d = deployment("scripted", 5, "r1");
        List<CompletableFuture<InvocationResult>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> invoke(d, "{\"pause\":1}")));
        }
        List<String> streams = calls.stream()
                .map(CompletableFuture::join)
                .map(InvokePathTest::stream)
                .toList();
        assertThat(streams).doesNotHaveDuplicates().hasSize(3);
        assertThat(engine.instanceCount()).isEqualTo(3);
    }

    @Test
    void the_deadline_header_is_the_epoch_millisecond_of_the_timeout() throws Exception {
        FunctionDeployment d = deployment("scripted", 10, "r1");
        long before = System.currentTimeMillis();
        String body = body(invoke(d, "{}"));
        long deadline = Long.parseLong(body.replaceAll(".*\"deadline\":(\\d+).*", "$1"));
        assertThat(deadline).isBetween(before + 9_000, System.currentTimeMillis() + 10_000);
    }

    @Test
    void a_timeout_fails_the_invocation_and_the_next_one_starts_a_fresh_instance() throws Exception {
        FunctionDeployment d = deployment("scripted", 1, "r1");
        invoke(d, "{}");
        InvocationResult timedOut = invoke(d, "{\"sleep\":1}");
        assertThat(timedOut.functionError()).isEqualTo("Unhandled");
        assertThat(body(timedOut))
                .matches(
                        "\\{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\"RequestId: [0-9a-f-]{36} Error: Task timed out after 1.00 seconds\"}");
        assertThat(timedOut.logTail())
                .contains("Task timed out after 1.00 seconds")
                .contains("Status: timeout");
        InvocationResult next = invoke(d, "{}");
        assertThat(next.failed()).isFalse();
        assertThat(next.logTail()).contains("Init Duration");
    }

    @Test
    void a_crash_gives_runtime_exit_error_and_the_next_invocation_recovers() throws Exception {
        FunctionDeployment d = deployment("scripted", 3, "r1");
        InvocationResult crashed = invoke(d, "{\"crash\":1}");
        assertThat(crashed.functionError()).isEqualTo("Unhandled");
        assertThat(body(crashed))
                .matches(
                        "\\{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3\"}");
        assertThat(crashed.logTail()).contains("Status: error\tError Type: Runtime.ExitError");
        assertThat(invoke(d, "{}").failed()).isFalse();
    }

    @Test
    void an_init_error_fails_at_once_with_the_runtime_document() throws Exception {
        FunctionDeployment d = deployment("initfail", 30, "r1");
        long start = System.nanoTime();
        InvocationResult result = invoke(d, "{}");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(result.functionError()).isEqualTo("Unhandled");
        assertThat(body(result))
                .isEqualTo("{\"errorMessage\":\"cannot start\",\"errorType\":\"Runtime.Custom\",\"stackTrace\":[]}");
        assertThat(result.logTail())
                .contains("failing init")
                .contains("INIT_REPORT")
                .contains("Status: error");
        assertThat(logs.stream().filter(l -> l.startsWith("INIT_START")).count())
                .isEqualTo(1);
    }

    @Test
    void lines_printed_before_the_response_come_before_end() throws Exception {
        FunctionDeployment d = deployment("scripted", 3, "r1");
        for (int i = 0; i < 20; i++) {
            InvocationResult r = invoke(d, "{\"log\":1}");
            String tail = r.logTail();
            assertThat(tail.indexOf("line two of")).isPositive().isLessThan(tail.indexOf("END RequestId"));
            assertThat(tail).endsWith("\t\n");
        }
    }

    @Test
    void a_function_error_is_passed_through_unchanged() throws Exception {
        InvocationResult r = invoke(deployment("scripted", 3, "r1"), "{\"error\":1}");
        assertThat(r.functionError()).isEqualTo("Unhandled");
        assertThat(body(r)).isEqualTo("{\"errorMessage\":\"x\",\"errorType\":\"Custom.Fail\",\"stackTrace\":[]}");
    }

    @Test
    void a_second_response_for_the_same_request_is_refused() throws Exception {
        FunctionDeployment d = deployment("scripted", 3, "r1");
        InvocationResult r = invoke(d, "{\"twice\":1}");
        assertThat(body(r)).isEqualTo("\"first\"");
        invoke(d, "{}"); // the runtime logged the refused second post before taking this one
        assertThat(logs).anySatisfy(l -> assertThat(l).matches("second response: 4\\d\\d"));
    }

    @Test
    void next_before_responding_is_an_invalid_state_transition() throws Exception {
        FunctionDeployment d = deployment("scripted", 3, "r1");
        InvocationResult r = invoke(d, "{\"early\":1}");
        assertThat(r.failed()).isFalse();
        assertThat(r.logTail()).contains("early next: 403");
    }

    @Test
    void a_new_revision_gets_new_instances_and_the_old_ones_stop() throws Exception {
        FunctionDeployment v1 = deployment("scripted", 3, "r1");
        FunctionDeployment v2 = deployment("scripted", 3, "r2");
        String first = stream(invoke(v1, "{}"));
        engine.retire("f", v2);
        String second = stream(invoke(v2, "{}"));
        assertThat(second).isNotEqualTo(first);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (engine.instanceCount() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(engine.instanceCount()).isEqualTo(1);
    }

    @Test
    void the_memory_budget_stops_the_least_recently_used_idle_instance_to_make_room() throws Exception {
        engine.close();
        engine = newEngine(256); // two 128 MB instances
        FunctionDeployment a = deployment("scripted", 3, "a");
        FunctionDeployment b = new FunctionDeployment(
                "g",
                "$LATEST",
                "arn:aws:lambda:us-east-1:000000000000:function:g",
                "provided.al2023",
                "handler",
                128,
                3,
                Map.of(),
                a.codeDirectory(),
                "b");
        FunctionDeployment c = new FunctionDeployment(
                "h",
                "$LATEST",
                "arn:aws:lambda:us-east-1:000000000000:function:h",
                "provided.al2023",
                "handler",
                128,
                3,
                Map.of(),
                a.codeDirectory(),
                "c");
        String firstOfA = stream(invoke(a, "{}"));
        invoke(b, "{}");
        assertThat(invoke(c, "{}").failed()).isFalse(); // a was idle longest: stopped for c
        assertThat(engine.memory().freeMb()).isZero();
        String secondOfA = stream(invoke(a, "{}")); // a starts again, in b's place
        assertThat(secondOfA).isNotEqualTo(firstOfA);
        assertThat(engine.instanceCount()).isLessThanOrEqualTo(2);
    }

    @Test
    void with_the_budget_taken_by_busy_instances_a_new_one_is_throttled() throws Exception {
        engine.close();
        engine = newEngine(128);
        FunctionDeployment a = deployment("scripted", 5, "a");
        FunctionDeployment b = new FunctionDeployment(
                "g",
                "$LATEST",
                "arn:aws:lambda:us-east-1:000000000000:function:g",
                "provided.al2023",
                "handler",
                128,
                3,
                Map.of(),
                a.codeDirectory(),
                "b");
        CompletableFuture<InvocationResult> busy = CompletableFuture.supplyAsync(() -> invoke(a, "{\"pause\":1}"));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (engine.memory().freeMb() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> invoke(b, "{}"))
                .isInstanceOf(Throttled.class)
                .hasMessageContaining("memory budget");
        assertThat(busy.join().failed()).isFalse();
    }
}
