package dev.lamina.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pre-start protocol of the Python and Node.js bootstraps ({@code LAMINA_PRESTART}), with the real bootstraps as
 * child processes of the host's interpreters and a real {@link RuntimeApiServer}: a process started with a generic
 * environment, handed its function's environment on stdin later, answers exactly what a normal start with that
 * environment answers (environment, cwd, stdin at EOF, module state, log format, JSON encoding).
 */
class PrestartBootstrapTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String PYTHON_HANDLER = """
            import os, sys

            def handler(event, context):
                import logging
                logging.getLogger().warning("hello")
                return {"env": dict(os.environ), "cwd": os.getcwd(), "stdin": sys.stdin.read(), "path": sys.path,
                        "modules": sorted(sys.modules), "argv": sys.argv, "text": "\u00e9"}
            """;

    private static final String NODE_HANDLER = """
            export const handler = async () => {
              console.log('hello');
              const stdin = await new Promise((resolve) => {
                let data = '';
                process.stdin.on('data', (chunk) => (data += chunk)).on('end', () => resolve(data));
              });
              return { env: { ...process.env }, cwd: process.cwd(), stdin, argv: process.argv,
                execArgv: process.execArgv, text: '\u00e9' };
            };
            """;

    @TempDir
    Path dir;

    private final QueuedRuntimeApi api = QueuedRuntimeApi.serving("prestart-test");
    /** The last response, as text. */
    private String lastBody;

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
    void a_pre_started_bootstrap_runs_its_function_exactly_as_a_normal_start(String runtime) throws Exception {
        Path interpreter = interpreter(runtime);
        Path task = Files.createDirectories(dir.resolve("task"));
        Files.writeString(
                task.resolve(runtime.equals("python") ? "lambda_function.py" : "index.mjs"),
                runtime.equals("python") ? PYTHON_HANDLER : NODE_HANDLER);
        Map<String, String> generic = genericEnvironment(runtime, task);
        Map<String, String> function = functionEnvironment(runtime, generic);

        // A normal start with the function's environment, as the engine starts instances.
        process = start(runtime, interpreter, task, function, false);
        JsonNode normal = invoke();
        String normalLog = stopAndReadLog();

        // A pre-started one: generic environment, somewhere else, stdin a pipe; the function comes later.
        Map<String, String> prestart = new LinkedHashMap<>(generic);
        prestart.put("LAMINA_PRESTART", "1");
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        process = start(runtime, interpreter, elsewhere, prestart, true);
        Thread.sleep(500); // it is waiting on stdin by now; the assertions hold whenever the function comes
        assertThat(process.isAlive()).as("waiting for its function").isTrue();
        assertThat(api.nexts)
                .as("no GET /next before the function is handed over")
                .isZero();
        try (OutputStream stdin = process.getOutputStream()) {
            StringBuilder entries = new StringBuilder();
            function.forEach((name, value) ->
                    entries.append(name).append('=').append(value).append('\0'));
            stdin.write(entries.toString().getBytes(StandardCharsets.UTF_8));
        }
        JsonNode prestarted = invoke();
        String prestartedLog = stopAndReadLog();

        assertThat(prestarted).isEqualTo(normal);
        JsonNode env = prestarted.get("env");
        assertThat(env.get("MY_VARIABLE").asString()).isEqualTo("a value, \u00e9");
        assertThat(env.has("LAMINA_PRESTART")).isFalse();
        assertThat(env.get("AWS_LAMBDA_FUNCTION_NAME").asString()).isEqualTo("prestart-test");
        assertThat(prestarted.get("cwd").asString()).isEqualTo(task.toString());
        assertThat(prestarted.get("stdin").asString()).as("stdin at EOF").isEmpty();
        // Derived from the function's environment, not the generic one: the log format (JSON) and, in Python, the
        // JSON encoding of the result (non-ASCII as itself from python3.12 on).
        assertThat(withoutTimesAndIds(prestartedLog)).isEqualTo(withoutTimesAndIds(normalLog));
        assertThat(prestartedLog.lines().filter(line -> line.contains("hello")))
                .singleElement()
                .satisfies(line -> assertThat(line).startsWith("{").contains("\"message\":"));
        if (runtime.equals("python")) {
            assertThat(lastBody).contains("\"text\": \"\u00e9\"");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"python", "node"})
    void a_pre_started_bootstrap_exits_quietly_when_stdin_ends_without_data(String runtime) throws Exception {
        Path interpreter = interpreter(runtime);
        Path task = Files.createDirectories(dir.resolve("task"));
        Map<String, String> env = new LinkedHashMap<>(genericEnvironment(runtime, task));
        env.put("LAMINA_PRESTART", "1");
        process = start(runtime, interpreter, task, env, true);
        Thread.sleep(300);
        process.getOutputStream().close();

        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(Files.readString(dir.resolve("log"))).isEmpty();
        assertThat(api.nexts).isZero();
    }

    private static Path interpreter(String runtime) {
        var found = Runtimes.discover(Map.of()).interpreter(runtime.equals("python") ? "python3.12" : "nodejs20.x");
        assumeTrue(found.isPresent(), "no " + runtime + " interpreter on this host");
        return found.get();
    }

    private static Path runtimeDirectory(String runtime) throws URISyntaxException {
        String family = runtime.equals("python") ? "python" : "nodejs";
        return Path.of(PrestartBootstrapTest.class
                .getResource("/lamina/runtimes/" + family)
                .toURI());
    }

    /** What Lamina starts a pre-started interpreter with. */
    private Map<String, String> genericEnvironment(String runtime, Path task) throws URISyntaxException {
        String runtimeDir = runtimeDirectory(runtime).toString();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put(
                "LD_LIBRARY_PATH",
                "/lib64:/usr/lib64:" + runtimeDir + ":" + runtimeDir + "/lib:" + task + ":" + task + "/lib:/opt/lib");
        if (runtime.equals("node")) {
            env.put("NODE_PATH", "/opt/nodejs/node_modules:" + runtimeDir + "/node_modules:" + runtimeDir + ":" + task);
        }
        env.put("TZ", ":UTC");
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("LAMBDA_RUNTIME_DIR", runtimeDir);
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        return env;
    }

    /** The function's environment: the generic one, its own variables, and some that the bootstraps read. */
    private static Map<String, String> functionEnvironment(String runtime, Map<String, String> generic) {
        Map<String, String> env = new LinkedHashMap<>(generic);
        env.put("MY_VARIABLE", "a value, \u00e9");
        env.put("_HANDLER", runtime.equals("python") ? "lambda_function.handler" : "index.handler");
        env.put("AWS_EXECUTION_ENV", runtime.equals("python") ? "AWS_Lambda_python3.12" : "AWS_Lambda_nodejs20.x");
        env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "prestart-test");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/prestart-test");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2025/01/01/[$LATEST]0123456789abcdef");
        env.put("AWS_REGION", "us-east-1");
        return env;
    }

    /** Started as the engine starts instances (LaunchPlans' command lines), its output appended to one log file. */
    private Process start(String runtime, Path interpreter, Path cwd, Map<String, String> env, boolean stdinPipe)
            throws IOException, URISyntaxException {
        Path runtimeDir = runtimeDirectory(runtime);
        var command = runtime.equals("python")
                ? List.of(
                        interpreter.toString(),
                        "-u",
                        runtimeDir.resolve("bootstrap.py").toString())
                : List.of(
                        interpreter.toString(),
                        "--expose-gc",
                        "--max-old-space-size=108",
                        "--max-semi-space-size=1",
                        runtimeDir.resolve("index.mjs").toString());
        Path log = dir.resolve("log");
        Files.deleteIfExists(log);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(cwd.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (!stdinPipe) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        builder.environment().clear();
        builder.environment().putAll(env);
        api.newProcess();
        return builder.start();
    }

    /** Hands the running bootstrap one event and returns its response. */
    private JsonNode invoke() throws InterruptedException {
        api.add("{\"key\":\"value\"}", "Root=1-00000000-000000000000000000000001;Sampled=0");
        byte[] body = api.awaitAnswer();
        assertThat(body).as("the invocation's response").isNotNull();
        lastBody = new String(body, StandardCharsets.UTF_8);
        return JSON.readTree(body);
    }

    private String stopAndReadLog() throws IOException, InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        return Files.readString(dir.resolve("log"));
    }

    private static String withoutTimesAndIds(String log) {
        return log.replaceAll("\"timestamp\": ?\"[^\"]*\"", "\"timestamp\":T")
                .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID");
    }
}
