package dev.lamina.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What keeps the Python and Node.js bootstraps' warm instances small, with the real bootstraps as child processes of
 * the host's interpreters and a real {@link RuntimeApiServer}.
 *
 * <p>{@code _X_AMZN_TRACE_ID} in the process environment of the Python and Node.js bootstraps, which set it on every
 * invocation as AWS's runtimes do: the function sees each invocation's value in its own environment and in a child
 * process's (the C library's), whatever it did to the variable before; and, in Python, setting it does not make the
 * process grow with the number of invocations (glibc's setenv keeps a copy of every value it was given).
 *
 * <p>Node.js collects its garbage once it has waited a second for the next invocation (V8 would keep the garbage of
 * thousands of invocations in its old generation until its next mark-compact).
 */
class BootstrapMemoryTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String PYTHON_HANDLER = """
            import os, subprocess

            def rss_kib():
                with open("/proc/self/status") as f:
                    return int(next(line for line in f if line.startswith("VmRSS:")).split()[1])

            def handler(event, context):
                seen = {"env": os.environ.get("_X_AMZN_TRACE_ID"),
                        "child": subprocess.run(["/bin/sh", "-c", "printf %s \\"${_X_AMZN_TRACE_ID-unset}\\""],
                                                capture_output=True, text=True).stdout if event.get("child") else None,
                        "rss": rss_kib()}
                action = event.get("then")
                if action == "set":
                    os.environ["_X_AMZN_TRACE_ID"] = "set by the function"
                elif action == "delete":
                    del os.environ["_X_AMZN_TRACE_ID"]
                elif action == "putenv":
                    os.putenv("_X_AMZN_TRACE_ID", "put by the function")
                return seen
            """;

    private static final String NODE_HANDLER = """
            import { execFileSync } from 'node:child_process';
            import { readFileSync } from 'node:fs';

            const rssKib = () => Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);

            export const handler = async (event) => {
              const seen = {
                env: process.env._X_AMZN_TRACE_ID ?? null,
                child: event.child
                  ? execFileSync('/bin/sh', ['-c', 'printf %s "${_X_AMZN_TRACE_ID-unset}"'], { encoding: 'utf8' })
                  : null,
                rss: rssKib(),
              };
              if (event.then === 'set') process.env._X_AMZN_TRACE_ID = 'set by the function';
              else if (event.then === 'delete') delete process.env._X_AMZN_TRACE_ID;
              return seen;
            };
            """;

    @TempDir
    Path dir;

    private final QueuedRuntimeApi api = QueuedRuntimeApi.serving("trace-test");
    private Process process;

    @AfterEach
    void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
        api.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"python", "node"})
    void each_invocation_sees_its_trace_id_in_its_environment_and_in_child_processes(String runtime) throws Exception {
        start(runtime);
        String longer = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=1:"
                + "0123abcd:0;" + "x".repeat(300); // longer than what the bootstrap keeps room for at first
        List<String> traces = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            traces.add(trace(i));
        }
        String[] events = {
            "{\"child\":true}",
            "{\"child\":true,\"then\":\"set\"}",
            "{\"child\":true,\"then\":\"delete\"}",
            "{\"child\":true}"
        };
        for (int i = 0; i < events.length; i++) {
            JsonNode seen = invoke(events[i], traces.get(i));
            assertThat(seen.get("env").asString())
                    .as("os.environ / process.env, invoke %d", i)
                    .isEqualTo(traces.get(i));
            assertThat(seen.get("child").asString())
                    .as("a child process, invoke %d", i)
                    .isEqualTo(traces.get(i));
        }
        JsonNode seen = invoke("{\"child\":true}", longer);
        assertThat(seen.get("env").asString()).isEqualTo(longer);
        assertThat(seen.get("child").asString()).isEqualTo(longer);
        seen = invoke("{\"child\":true}", traces.get(0));
        assertThat(seen.get("env").asString()).isEqualTo(traces.get(0));
        assertThat(seen.get("child").asString()).isEqualTo(traces.get(0));
        if (runtime.equals("python")) {
            // os.putenv changes the C environment only; the next invocation's value is in both again.
            invoke("{\"then\":\"putenv\"}", traces.get(1));
            seen = invoke("{\"child\":true}", traces.get(2));
            assertThat(seen.get("env").asString()).isEqualTo(traces.get(2));
            assertThat(seen.get("child").asString()).isEqualTo(traces.get(2));
        }
        // An invocation without a trace header: unset, as AWS's runtimes leave it.
        seen = invoke("{\"child\":true}", null);
        assertThat(seen.get("env").isNull()).as("no trace id: %s", seen).isTrue();
        assertThat(seen.get("child").asString()).isEqualTo("unset");
        seen = invoke("{\"child\":true}", traces.get(3));
        assertThat(seen.get("env").asString()).isEqualTo(traces.get(3));
        assertThat(seen.get("child").asString()).isEqualTo(traces.get(3));
    }

    /**
     * Python only: Node.js sets the variable through process.env, whose setter is glibc's setenv, and has no way to hand
     * the C library a buffer of its own (docs/benchmarks.md, idle memory).
     */
    @ParameterizedTest
    @ValueSource(strings = {"python"})
    void setting_the_trace_id_on_every_invocation_does_not_grow_the_process(String runtime) throws Exception {
        start(runtime);
        for (int i = 0; i < 300; i++) {
            invoke("{}", trace(i));
        }
        long before = invoke("{}", trace(300)).get("rss").asLong();
        // glibc's setenv kept ~160 bytes per distinct value: 4,000 invocations grew the process by ~600 KiB.
        for (int i = 0; i < 4_000; i++) {
            invoke("{}", trace(1_000 + i));
        }
        long after = invoke("{}", trace(9_999)).get("rss").asLong();
        assertThat(after - before).as("KiB of RSS grown over 4,000 invocations").isLessThan(200);
    }

    @Test
    void node_collects_its_garbage_when_it_has_waited_a_second_for_an_invocation() throws Exception {
        start("node", NODE_GC_HANDLER);
        assertThat(invoke("{}", trace(0)).get("gc").asString())
                .as("globalThis.gc, as on AWS")
                .isEqualTo("function");
        for (int i = 1; i < 200; i++) {
            invoke("{}", trace(i));
        }
        long busy = invoke("{}", trace(200)).get("forced").asLong();
        assertThat(busy).as("forced collections while invocations keep coming").isZero();
        Thread.sleep(2_500);
        long idle = invoke("{}", trace(201)).get("forced").asLong();
        assertThat(idle).as("forced collections after 2.5 s of waiting").isEqualTo(2);
        Thread.sleep(2_500);
        assertThat(invoke("{}", trace(202)).get("forced").asLong())
                .as("once per idle period: one more idle period")
                .isEqualTo(4);
    }

    /** Counts the forced (gc()) major collections that a PerformanceObserver sees. */
    private static final String NODE_GC_HANDLER = """
            import { PerformanceObserver, constants } from 'node:perf_hooks';

            let forced = 0;
            new PerformanceObserver((list) => {
              for (const e of list.getEntries()) {
                if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR
                    && (e.detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED)) forced++;
              }
            }).observe({ entryTypes: ['gc'] });

            export const handler = async () => {
              // Entries of collections done while the loop slept in epoll are delivered once it wakes: let them come.
              await new Promise((resolve) => setTimeout(resolve, 50));
              return { gc: typeof globalThis.gc, forced };
            };
            """;

    private static String trace(int i) {
        return String.format(
                "Root=1-%08x-%024x;Parent=%016x;Sampled=0;Lineage=1:%08x:0", 0x65000000 + i, i * 7919L, i * 31L, i);
    }

    private void start(String runtime) throws Exception {
        start(runtime, runtime.equals("python") ? PYTHON_HANDLER : NODE_HANDLER);
    }

    private void start(String runtime, String handlerCode) throws Exception {
        var found = Runtimes.discover(java.util.Map.of())
                .interpreter(runtime.equals("python") ? "python3.12" : "nodejs20.x");
        assumeTrue(found.isPresent(), "no " + runtime + " interpreter on this host");
        Path task = Files.createDirectories(dir.resolve("task"));
        Files.writeString(task.resolve(runtime.equals("python") ? "lambda_function.py" : "index.mjs"), handlerCode);
        Path runtimeDir = runtimeDirectory(runtime);
        List<String> command = runtime.equals("python")
                ? List.of(
                        found.get().toString(),
                        "-u",
                        runtimeDir.resolve("bootstrap.py").toString())
                : List.of(
                        found.get().toString(),
                        "--expose-gc",
                        "--max-old-space-size=108",
                        "--max-semi-space-size=1",
                        runtimeDir.resolve("index.mjs").toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(task.toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        var env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("LAMBDA_RUNTIME_DIR", runtimeDir.toString());
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("_HANDLER", runtime.equals("python") ? "lambda_function.handler" : "index.handler");
        env.put("AWS_EXECUTION_ENV", runtime.equals("python") ? "AWS_Lambda_python3.12" : "AWS_Lambda_nodejs20.x");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "trace-test");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        process = builder.start();
    }

    private static Path runtimeDirectory(String runtime) throws URISyntaxException {
        String family = runtime.equals("python") ? "python" : "nodejs";
        return Path.of(BootstrapMemoryTest.class
                .getResource("/lamina/runtimes/" + family)
                .toURI());
    }

    private JsonNode invoke(String event, String traceId) throws Exception {
        api.add(event, traceId);
        byte[] body = api.awaitAnswer();
        assertThat(body)
                .as("the invocation's response; log: %s", Files.readString(dir.resolve("log")))
                .isNotNull();
        JsonNode node = JSON.readTree(body);
        assertThat(node.has("errorType")).as("an error: %s", node).isFalse();
        return node;
    }
}
