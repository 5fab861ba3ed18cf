package dev.lamina.benchmarks.hotpath;

import dev.lamina.engine.EngineConfig;
import dev.lamina.engine.invoke.Engine;
import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Invocation;
import dev.lamina.model.InvocationResult;
import dev.lamina.model.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The invoke hot path alone: {@code Engine.invoke} → pool placement on a warm instance → hand-off to the runtime's
 * parked {@code GET /next} → the runtime's {@code POST /response} → completion → back to the pool. The runtime is a
 * {@link FakeRuntime} thread in this JVM speaking real HTTP to the instance's real {@code RuntimeApiServer}, so what is
 * measured is the engine, the instance and the Runtime API server, and two loopback HTTP exchanges; not the Lambda API
 * (Jetty), the store, a sandbox or an interpreter.
 *
 * <p>{@code procProbe} ({@link ProcProbe}) keeps all, part or none of the engine's per-invocation /proc reads
 * (REPORT's Max Memory Used), so that the differences are their costs. Run with {@code -prof gc} for allocation per invoke
 * ({@code gc.alloc.rate.norm}, which counts every thread: caller, Runtime API connection, fake runtime, timers).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class InvokeHotPathBenchmark {

    private static final byte[] PAYLOAD = "{}".getBytes(StandardCharsets.US_ASCII);
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:bench";

    @Param({"REAL", "STATUS", "OFF"})
    public ProcProbe procProbe;

    private Path dir;
    private BatchingSink sink;
    private InProcessSandbox sandbox;
    private Engine engine;
    private FunctionDeployment deployment;
    private final AtomicLong ids = new AtomicLong();
    private final long idHigh = UUID.randomUUID().getMostSignificantBits();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("lamina-jmh");
        Path code = Files.createDirectories(dir.resolve("code"));
        Path bootstrap =
                Files.writeString(code.resolve("bootstrap"), "#!/bin/sh\n# never run: the runtime is a thread\n");
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        sink = new BatchingSink();
        Map<String, Object> values = new HashMap<>();
        values.put("settings", new Settings("us-east-1", "000000000000"));
        sandbox = new InProcessSandbox(procProbe);
        values.put("sandbox", sandbox);
        values.put("runtimes", Runtimes.discover(Map.of()));
        values.put(
                "runtimeDirectory",
                Files.createDirectories(dir.resolve("runtime/provided")).getParent());
        values.put("instancesDirectory", dir.resolve("instances"));
        values.put("logSink", sink);
        values.put("keepAlive", Duration.ofMinutes(30));
        values.put("initTimeout", Duration.ofSeconds(10));
        values.put("lambdaEndpoint", "http://127.0.0.1:1");
        values.put("accountConcurrency", 1000);
        values.put("memoryBudgetMb", 1L << 20);
        values.put("scalingPerTenSeconds", 1000);
        values.put("prestartedRuntimes", 0); // every cold start here starts its own process
        EngineConfig config = EngineConfigs.of(values);
        engine = new Engine(config);
        // AWS's default timeout: every invocation schedules (and cancels) a timer of this length.
        deployment = new FunctionDeployment(
                "bench", "$LATEST", ARN, "provided.al2023", "bootstrap", 128, 3, Map.of(), code, "r1");
        InvocationResult first = invoke();
        if (first.failed()) {
            throw new IllegalStateException(
                    "the fake runtime failed: " + new String(first.payload(), StandardCharsets.UTF_8));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        engine.close();
        sandbox.stopAll();
        sink.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private InvocationResult invoke() {
        // A request id shaped like the API's (a UUID string), without the API's SecureRandom.
        String requestId = new UUID(idHigh, ids.incrementAndGet()).toString();
        return engine.invoke(deployment, new Invocation(requestId, PAYLOAD, ARN, false, null, null));
    }

    /** One caller: every invoke finds the same warm instance idle. */
    @Benchmark
    @Threads(1)
    public InvocationResult oneCaller() {
        return invoke();
    }

    /** Four callers on two cores: four instances, contention on the pool, the timer queue and the log sink. */
    @Benchmark
    @Threads(4)
    public InvocationResult fourCallers() {
        return invoke();
    }
}
