package dev.lamina.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Python runtime's code compiled ahead ({@link PythonBytecode}): the bootstrap runs it from that bytecode, which
 * spares the instance the compiler's memory, and runs it all the same when there is none.
 */
class PythonBytecodeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String HANDLER = """
            def handler(event, context):
                with open("/proc/self/smaps_rollup") as f:
                    dirty = next(int(line.split()[1]) for line in f if line.startswith("Private_Dirty:"))
                if event.get("fail"):
                    raise ValueError("failed")
                return {"private_dirty_kib": dirty}
            """;

    @TempDir
    Path dir;

    /** A fresh API and server per run: a /next of the previous run's runtime, still waiting, must not take an event. */
    private QueuedRuntimeApi api;

    private Process process;

    @AfterEach
    void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void the_runtime_runs_from_its_bytecode_and_without_it() throws Exception {
        var interpreter = Runtimes.discover(Map.of()).interpreter("python3.12");
        assumeTrue(interpreter.isPresent(), "no python3 on this host");
        Path compiled = copyRuntime("compiled");
        Path plain = copyRuntime("plain");
        Runtimes runtimes = Runtimes.discover(Map.of());
        assertThat(PythonBytecode.compile(compiled, runtimes)).containsExactly(interpreter.get());
        try (Stream<Path> cache = Files.list(compiled.resolve("python/__pycache__"))) {
            assertThat(cache.map(p -> p.getFileName().toString()))
                    .singleElement()
                    .satisfies(name -> assertThat(name).startsWith("runtime.").endsWith(".pyc"));
        }
        JsonNode fromBytecode = run(interpreter.get(), compiled);
        JsonNode fromSource = run(interpreter.get(), plain);
        assertThat(plain.resolve("python/__pycache__"))
                .as("the bootstrap writes no bytecode")
                .doesNotExist();
        // Compiled in the process, the runtime's code left ~2.4 MiB of the compiler's memory there.
        assertThat(fromSource.get("ok").get("private_dirty_kib").asLong()
                        - fromBytecode.get("ok").get("private_dirty_kib").asLong())
                .as("KiB saved by the bytecode")
                .isGreaterThan(1_000);
        // The runtime's own frames are left out of an error's stack trace, whichever way its code was loaded.
        assertThat(fromBytecode.get("error").get("stackTrace"))
                .isEqualTo(fromSource.get("error").get("stackTrace"));
        assertThat(fromBytecode.get("error").get("stackTrace").get(0).asString())
                .contains("lambda_function.py")
                .contains("in handler");
    }

    private Path copyRuntime(String name) throws Exception {
        Path from = Path.of(
                PythonBytecodeTest.class.getResource("/lamina/runtimes/python").toURI());
        Path to = Files.createDirectories(dir.resolve(name).resolve("python"));
        for (String file : List.of("bootstrap.py", "runtime.py")) {
            Files.copy(from.resolve(file), to.resolve(file));
        }
        return to.getParent();
    }

    /** Starts the bootstrap of {@code runtimeDir}, invokes it once and once failing; {ok: ..., error: ...}. */
    private JsonNode run(Path interpreter, Path runtimeDir) throws Exception {
        if (api != null) {
            api.close();
        }
        api = QueuedRuntimeApi.serving("bytecode-test");
        Path task = Files.createDirectories(dir.resolve("task"));
        Files.writeString(task.resolve("lambda_function.py"), HANDLER);
        ProcessBuilder builder = new ProcessBuilder(
                        interpreter.toString(),
                        "-u",
                        runtimeDir.resolve("python/bootstrap.py").toString())
                .directory(task.toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        var env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("_HANDLER", "lambda_function.handler");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_python3.12");
        process = builder.start();
        try {
            JsonNode ok = invoke("{}");
            JsonNode error = invoke("{\"fail\":true}");
            return JSON.createObjectNode().set("ok", ok).set("error", error);
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private JsonNode invoke(String event) throws Exception {
        api.add(event, null);
        byte[] body = api.awaitAnswer();
        assertThat(body)
                .as("the invocation's response; log: %s", Files.readString(dir.resolve("log")))
                .isNotNull();
        return JSON.readTree(body);
    }
}
