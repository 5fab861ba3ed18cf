package dev.lamina.engine.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lamina.engine.EngineConfig;
import dev.lamina.engine.runtime.JavaClassCache.Mechanism;
import dev.lamina.engine.runtime.LaunchPlans;
import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.engine.sandbox.BubblewrapSandbox;
import dev.lamina.engine.sandbox.ProcessSandbox;
import dev.lamina.engine.sandbox.Sandbox;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Invocation;
import dev.lamina.model.InvocationResult;
import dev.lamina.model.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data cache of Java instances (docs/adr/0006-java-cold-start.md), with real JVMs running the real runtime
 * interface client: the cache is written when an instance is stopped gracefully, the next instance starts from it,
 * and neither a cache being trained nor a corrupt one shows in the function's log. Skipped when this host has no JDK
 * with an AOT cache (24 or later). No assertion on time: the measured figures are in the ADR.
 */
class JavaClassCacheTest {

    /** A line of the JVM's unified logging ({@code [0.004s][error][aot] ...}), or a VM warning. */
    private static final Pattern JVM_NOISE =
            Pattern.compile("^\\[(\\d|error|warning|info)|OpenJDK 64-Bit Server VM|AOTConfiguration|AOTCache|CDS");

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path data;

    private final List<String> logs = new CopyOnWriteArrayList<>();
    private Path code;
    private Engine engine;

    @BeforeEach
    void setUp() throws IOException {
        Optional<Path> java = JavaFunctions.java();
        assumeTrue(java.isPresent(), "no JDK on this host");
        assumeTrue(JavaFunctions.major(java.get()) >= 24, "the JDK here has no AOT cache");
        JavaFunctions.layOutRuntime(data.resolve("runtime"));
        code = data.resolve("code/" + "0123456789abcdef".repeat(4));
        JavaFunctions.compileHello(code);
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    private Engine newEngine(Sandbox sandbox, Mechanism mechanism) {
        return newEngine(sandbox, mechanism, Duration.ofMinutes(10), 1_000_000);
    }

    private Engine newEngine(Sandbox sandbox, Mechanism mechanism, Duration keepAlive, long memoryBudgetMb) {
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
                memoryBudgetMb,
                1000);
        return new Engine(config, new LaunchPlans(config, mechanism));
    }

    private static Sandbox defaultSandbox() {
        String bwrap = BubblewrapSandbox.find();
        return bwrap != null ? new BubblewrapSandbox(bwrap) : new ProcessSandbox();
    }

    @Test
    void an_instance_stopped_gracefully_writes_the_aot_cache_and_the_next_instance_starts_from_it() throws Exception {
        trainAndUse(defaultSandbox());
    }

    @Test
    void the_cache_works_in_a_plain_process_sandbox_too() throws Exception {
        trainAndUse(new ProcessSandbox());
    }

    private void trainAndUse(Sandbox sandbox) throws Exception {
        engine = newEngine(sandbox, Mechanism.AOT_CACHE);
        InvocationResult first = invoke(deployment("r1"));
        assertAnswered(first);
        assertThat(cacheFile("classes.aot")).isEmpty(); // written when the training instance stops

        engine.retire("hello", null); // the idle instance stops gracefully
        Path cache = awaitCacheFile("classes.aot");

        InvocationResult second = invoke(deployment("r2"));
        assertAnswered(second);
        assertThat(second.logTail()).contains("Init Duration");
        assertThat(javaProcessesMapping(cache.getFileName().toString()))
                .as("the new instance's JVM maps the AOT cache")
                .isPositive();
        assertCleanLog();
    }

    @Test
    void an_idle_instance_stopped_at_server_shutdown_writes_its_cache() throws Exception {
        engine = newEngine(defaultSandbox(), Mechanism.AOT_CACHE);
        assertAnswered(invoke(deployment("r1")));
        engine.close(); // waits for the graceful stop and the assembly
        engine = null;
        assertThat(cacheFile("classes.aot")).isPresent();
        assertCleanLog();
    }

    @Test
    void an_instance_stopped_after_its_keep_alive_writes_its_cache() throws Exception {
        engine = newEngine(defaultSandbox(), Mechanism.AOT_CACHE, Duration.ofMillis(300), 1_000_000);
        assertAnswered(invoke(deployment("r1")));
        awaitCacheFile("classes.aot");
        assertCleanLog();
    }

    @Test
    void an_instance_evicted_for_memory_writes_its_cache_and_makes_room() throws Exception {
        engine = newEngine(defaultSandbox(), Mechanism.AOT_CACHE, Duration.ofMinutes(10), 512); // one instance
        assertAnswered(invoke(deployment("r1")));
        assertAnswered(invoke(JavaFunctions.deployment("other", code, "r1"))); // stops the first one to make room
        awaitCacheFile("classes.aot");
        assertCleanLog();
    }

    @Test
    void a_corrupt_aot_cache_does_not_break_the_function() throws Exception {
        engine = newEngine(defaultSandbox(), Mechanism.AOT_CACHE);
        assertAnswered(invoke(deployment("r1")));
        engine.retire("hello", null);
        Path cache = awaitCacheFile("classes.aot");
        byte[] valid = Files.readAllBytes(cache);

        Files.write(cache, Arrays.copyOf(valid, 64 * 1024)); // truncated, its header intact
        assertAnswered(invoke(deployment("r2")));
        engine.retire("hello", null);

        byte[] garbage = new byte[valid.length];
        new java.util.Random(42).nextBytes(garbage);
        Files.write(cache, garbage); // not an AOT cache at all
        assertAnswered(invoke(deployment("r3")));

        assertCleanLog();
    }

    @Test
    void the_dynamic_archive_is_written_at_exit_used_next_time_and_a_corrupt_one_is_replaced() throws Exception {
        engine = newEngine(defaultSandbox(), Mechanism.DYNAMIC_ARCHIVE);
        assertAnswered(invoke(deployment("r1")));
        engine.retire("hello", null);
        Path archive = awaitCacheFile("classes.jsa");
        awaitNoInstanceProcesses(); // the JVM makes the file, then writes it

        assertAnswered(invoke(deployment("r2")));
        assertThat(javaProcessesMapping(archive.getFileName().toString())).isPositive();
        engine.retire("hello", null);
        awaitNoInstanceProcesses();

        byte[] garbage = new byte[64 * 1024];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(archive, garbage);
        assertAnswered(invoke(deployment("r3")));
        engine.retire("hello", null);
        awaitNoInstanceProcesses();
        assertThat(Files.readAllBytes(archive)).as("rewritten at exit").isNotEqualTo(garbage);

        assertCleanLog();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private FunctionDeployment deployment(String revision) {
        return JavaFunctions.deployment("hello", code, revision);
    }

    private InvocationResult invoke(FunctionDeployment d) {
        return engine.invoke(
                d,
                new Invocation(
                        UUID.randomUUID().toString(),
                        "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                        d.functionArn(),
                        true,
                        null,
                        null));
    }

    private static void assertAnswered(InvocationResult r) {
        assertThat(new String(r.payload(), StandardCharsets.UTF_8))
                .as(r.logTail())
                .isEqualTo("{\"message\":\"Hello, x!\"}");
        assertThat(r.failed()).isFalse();
        assertThat(r.logTail()).contains("hello from the handler").contains("Init Duration");
    }

    /** No line of the function's log comes from the JVM's class data sharing. */
    private void assertCleanLog() {
        assertThat(logs).isNotEmpty();
        assertThat(logs).noneMatch(line -> JVM_NOISE.matcher(line).find());
    }

    private Optional<Path> cacheFile(String name) throws IOException {
        Path root = data.resolve("cache/java");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> keys = Files.list(root)) {
            return keys.map(key -> key.resolve(name))
                    .filter(Files::isRegularFile)
                    .findFirst();
        }
    }

    private Path awaitCacheFile(String name) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Path> file = cacheFile(name);
            if (file.isPresent()) {
                return file.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + name + " under " + data.resolve("cache"));
    }

    /** Until the processes of stopped instances (and any assembly) are gone: a retired pool leaves no count. */
    private static void awaitNoInstanceProcesses() throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (ProcessHandle.current().children().findAny().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** How many JVMs started by this test map a file of this name (read from /proc/PID/maps). */
    private static long javaProcessesMapping(String fileName) {
        return ProcessHandle.current()
                .descendants()
                .filter(h -> h.info().command().orElse("").endsWith("/java"))
                .filter(h -> {
                    try {
                        return Files.readString(Path.of("/proc/" + h.pid() + "/maps"))
                                .contains(fileName);
                    } catch (IOException e) {
                        return false;
                    }
                })
                .count();
    }
}
