package dev.lamina.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.engine.EngineConfig;
import dev.lamina.engine.sandbox.BubblewrapSandbox;
import dev.lamina.engine.sandbox.LaunchSpec;
import dev.lamina.engine.sandbox.Sandbox;
import dev.lamina.engine.sandbox.SandboxPaths;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a runtime started ahead is planned, and what it is handed: without starting any. */
class PrestartPlanTest {

    @TempDir
    Path data;

    private LaunchPlans plans(Sandbox sandbox) throws Exception {
        Path python = Files.writeString(data.resolve("python3"), "");
        Path node = Files.writeString(data.resolve("node"), "");
        EngineConfig config = new EngineConfig(
                new Settings("us-east-1", "000000000000"),
                sandbox,
                Runtimes.discover(Map.of("python3.12", python.toString(), "nodejs20.x", node.toString())),
                data.resolve("runtime"),
                data.resolve("instances"),
                (group, stream, ts, line) -> {},
                Duration.ofMinutes(1),
                Duration.ofSeconds(10),
                "http://127.0.0.1:7711",
                1000,
                1000,
                1000);
        return new LaunchPlans(config);
    }

    private FunctionDeployment deployment(String runtime) throws Exception {
        return new FunctionDeployment(
                "f",
                "$LATEST",
                "arn:aws:lambda:us-east-1:000000000000:function:f",
                runtime,
                "app.handler",
                256,
                3,
                Map.of("TABLE", "orders", "PATH", "/opt/mine:/usr/bin"),
                Files.createDirectories(data.resolve("code")),
                "r1");
    }

    @Test
    void a_prestarted_runtime_starts_with_its_usual_command_and_nothing_of_the_function() throws Exception {
        LaunchPlans plans = plans(new BubblewrapSandbox("/usr/bin/bwrap"));
        Path task = Files.createDirectories(data.resolve("task"));
        LaunchSpec spec = plans.prestartPlan(
                new PrestartKey("nodejs20.x", 256), "127.0.0.1:9", task, data.resolve("tmp"), data.resolve("log"));
        SandboxPaths paths = new SandboxPaths("/var/task", "/var/runtime");

        assertThat(spec.prestarted()).isTrue();
        assertThat(spec.codeDirectory()).isEqualTo(task);
        assertThat(spec.command().apply(paths))
                .isEqualTo(LaunchPlans.command(
                        RuntimeFamily.NODEJS, data.resolve("node"), deployment("nodejs20.x"), paths));
        assertThat(spec.environment().apply(paths))
                .containsEntry("LAMINA_PRESTART", "1")
                .containsEntry("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9")
                .containsEntry("LAMBDA_TASK_ROOT", "/var/task")
                .containsKey("NODE_PATH")
                .doesNotContainKeys("_HANDLER", "AWS_LAMBDA_FUNCTION_NAME", "TABLE");

        LaunchSpec custom = plans.prestartPlan(
                new PrestartKey("provided.al2023", 128), "127.0.0.1:9", task, data.resolve("tmp"), data.resolve("log"));
        assertThat(custom.command().apply(paths)).isEqualTo(LaunchPlans.CUSTOM_RUNTIME_STAND_IN);
    }

    @Test
    void the_hand_over_is_exactly_the_environment_of_a_fresh_start() throws Exception {
        LaunchPlans plans = plans(new BubblewrapSandbox("/usr/bin/bwrap"));
        FunctionDeployment d = deployment("python3.12");
        Path task = Files.createDirectories(data.resolve("task"));
        LaunchSpec prestarted = plans.prestartPlan(
                new PrestartKey("python3.12", 256), "127.0.0.1:9", task, data.resolve("tmp"), data.resolve("log"));
        SandboxPaths paths = new SandboxPaths("/var/task", "/var/runtime");

        byte[] handOver = plans.handOver(d, prestarted, paths, "127.0.0.1:9", "stream", false);

        Map<String, String> handed = new HashMap<>();
        for (String entry : new String(handOver, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            handed.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        LaunchSpec fresh = plans.plan(d, "127.0.0.1:9", "stream", data.resolve("tmp"), data.resolve("log"), false);
        Map<String, String> expected = new HashMap<>(fresh.environment().apply(paths));
        expected.put("PWD", "/var/task"); // what bubblewrap sets for a fresh start
        assertThat(handed).isEqualTo(expected).containsEntry("PATH", "/opt/mine:/usr/bin");
        assertThat(new String(handOver, StandardCharsets.UTF_8)).endsWith("\0");
    }
}
