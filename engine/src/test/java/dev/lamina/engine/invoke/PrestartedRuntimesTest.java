package dev.lamina.engine.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.engine.EngineConfig;
import dev.lamina.engine.runtime.PrestartKey;
import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.engine.sandbox.BubblewrapSandbox;
import dev.lamina.engine.sandbox.ProcessSandbox;
import dev.lamina.engine.sandbox.Sandbox;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Invocation;
import dev.lamina.model.InvocationResult;
import dev.lamina.model.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cold starts on runtimes started ahead of their function (docs/adr/0007-prestarted-runtimes.md), with real
 * processes: what the function sees must be exactly what a runtime started for it would see.
 */
class PrestartedRuntimesTest {

    @TempDir
    Path data;

    private final List<String> logs = new CopyOnWriteArrayList<>();
    private Engine engine;

    private Engine newEngine(int prestarted, Duration keepAlive, Sandbox sandbox) {
        EngineConfig config = new EngineConfig(
                new Settings("us-east-1", "000000000000"),
                sandbox,
                Runtimes.discover(Map.of()),
                data.resolve("runtime"),
                data.resolve("instances"),
                (group, stream, ts, line) -> logs.add(line),
                keepAlive,
                Duration.ofSeconds(10),
                "http://127.0.0.1:1",
                1000,
                1_000_000,
                1000,
                prestarted);
        data.resolve("runtime/provided").toFile().mkdirs();
        engine = new Engine(config);
        return engine;
    }

    private static Sandbox defaultSandbox() {
        String bwrap = BubblewrapSandbox.find();
        return bwrap != null ? new BubblewrapSandbox(bwrap) : new ProcessSandbox();
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private static FunctionDeployment custom(String revision, int memory, Map<String, String> env) throws Exception {
        Path code = Path.of(
                PrestartedRuntimesTest.class.getResource("/runtimes/environ").toURI());
        return new FunctionDeployment(
                "f",
                "$LATEST",
                "arn:aws:lambda:us-east-1:000000000000:function:f",
                "provided.al2023",
                "handler",
                memory,
                3,
                env,
                code,
                revision);
    }

    private InvocationResult invoke(FunctionDeployment d) {
        return engine.invoke(
                d,
                new Invocation(
                        UUID.randomUUID().toString(),
                        "{}".getBytes(StandardCharsets.UTF_8),
                        d.functionArn(),
                        true,
                        null,
                        null));
    }

    /** The runtime's answer, without what differs between any two instances (their log stream and API port). */
    private static String seen(InvocationResult r) {
        assertThat(r.failed())
                .as(new String(r.payload(), StandardCharsets.UTF_8))
                .isFalse();
        return Arrays.stream(new String(r.payload(), StandardCharsets.UTF_8).split("\n"))
                .filter(line ->
                        !line.startsWith("AWS_LAMBDA_LOG_STREAM_NAME=") && !line.startsWith("AWS_LAMBDA_RUNTIME_API="))
                .collect(Collectors.joining("\n"));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    @Test
    void a_cold_start_on_a_prestarted_runtime_sees_exactly_what_a_fresh_start_sees() throws Exception {
        newEngine(2, Duration.ofMinutes(1), defaultSandbox());
        Map<String, String> env = Map.of("GREETING", "it's $HOME \"quoted\"\nsecond line \\ end", "EMPTY", "");
        FunctionDeployment first = custom("r1", 128, env);
        PrestartKey key = PrestartKey.of(first).orElseThrow();

        InvocationResult fresh = invoke(first); // nothing waits yet: its own process
        assertThat(engine.prestarts().missed()).isEqualTo(1);
        await(() -> engine.prestarts().waitingKeys().contains(key));

        InvocationResult taken = invoke(custom("r2", 128, env)); // a new revision: a new cold start
        assertThat(engine.prestarts().taken()).isEqualTo(1);

        assertThat(seen(taken)).isEqualTo(seen(fresh));
        assertThat(seen(taken))
                .contains("GREETING=it's $HOME \"quoted\"\n") // the runtime sorts lines: the value's second
                .contains("\nsecond line \\ end\n") // line is elsewhere
                .contains("EMPTY=\n")
                .contains("AWS_LAMBDA_FUNCTION_NAME=f")
                .contains("stdin=/dev/null")
                .contains("task=bootstrap data.txt")
                .doesNotContain("LAMINA_PRESTART");
        assertThat(taken.logTail()).contains("INIT_START").contains("Init Duration");
    }

    @Test
    void a_prestarted_runtime_that_died_while_waiting_is_not_used() throws Exception {
        newEngine(2, Duration.ofMinutes(1), defaultSandbox());
        FunctionDeployment first = custom("r1", 128, Map.of());
        invoke(first);
        await(() -> !engine.prestarts().waitingKeys().isEmpty());
        List<ProcessHandle> standIns = ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("unset PWD"))
                .toList();
        assertThat(standIns).isNotEmpty();
        standIns.forEach(ProcessHandle::destroyForcibly);
        await(() -> engine.prestarts().waitingKeys().isEmpty());

        InvocationResult second = invoke(custom("r2", 128, Map.of()));

        assertThat(second.failed()).isFalse();
        assertThat(engine.prestarts().taken()).isZero();
    }

    @Test
    void functions_whose_variables_an_interpreter_reads_at_start_start_their_own_process() throws Exception {
        newEngine(2, Duration.ofMinutes(1), defaultSandbox());
        FunctionDeployment d = custom("r1", 128, Map.of("LD_PRELOAD", ""));
        assertThat(PrestartKey.of(d)).isEmpty();

        assertThat(invoke(d).failed()).isFalse();
        Thread.sleep(400); // longer than the refill delay: nothing is started for it
        assertThat(engine.prestarts().waitingKeys()).isEmpty();
    }

    @Test
    void one_runtime_waits_per_key_and_the_least_recently_used_key_gives_way() throws Exception {
        newEngine(1, Duration.ofMinutes(1), defaultSandbox());
        FunctionDeployment small = custom("r1", 128, Map.of());
        FunctionDeployment large = custom("r2", 256, Map.of()); // another revision: another pool
        invoke(small);
        await(() -> engine.prestarts()
                .waitingKeys()
                .equals(java.util.Set.of(PrestartKey.of(small).orElseThrow())));
        invoke(large);
        await(() -> engine.prestarts()
                .waitingKeys()
                .equals(java.util.Set.of(PrestartKey.of(large).orElseThrow())));
    }

    @Test
    void waiting_runtimes_expire_with_the_keep_alive_and_stop_with_the_engine() throws Exception {
        newEngine(2, Duration.ofMillis(600), defaultSandbox());
        invoke(custom("r1", 128, Map.of()));
        await(() -> !engine.prestarts().waitingKeys().isEmpty());
        await(() -> engine.prestarts().waitingKeys().isEmpty());

        invoke(custom("r2", 128, Map.of()));
        await(() -> !engine.prestarts().waitingKeys().isEmpty());
        engine.close();
        await(() -> ProcessHandle.current()
                .descendants()
                .noneMatch(p -> p.info().commandLine().orElse("").contains("unset PWD")));
        engine = null;
    }

    @Test
    void pre_starting_works_without_bubblewrap_too() throws Exception {
        newEngine(2, Duration.ofMinutes(1), new ProcessSandbox());
        FunctionDeployment first = custom("r1", 128, Map.of("A", "1"));
        String fresh = seen(invoke(first));
        await(() -> !engine.prestarts().waitingKeys().isEmpty());
        String taken = seen(invoke(custom("r2", 128, Map.of("A", "1"))));

        assertThat(engine.prestarts().taken()).isEqualTo(1);
        // Without a sandbox the code and /tmp are at their host paths, which differ per instance.
        assertThat(withoutHostPaths(taken)).isEqualTo(withoutHostPaths(fresh));
        assertThat(taken).contains("A=1").contains("stdin=/dev/null");
    }

    private String withoutHostPaths(String seen) throws Exception {
        String code = custom("r", 128, Map.of()).codeDirectory().toString();
        return seen.replaceAll(java.util.regex.Pattern.quote(code) + "[^:\\s]*", "<host path>")
                .replaceAll(java.util.regex.Pattern.quote(data.toString()) + "[^:\\s]*", "<host path>");
    }
}
