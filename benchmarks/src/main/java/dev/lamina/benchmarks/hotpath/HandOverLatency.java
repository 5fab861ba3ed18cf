package dev.lamina.benchmarks.hotpath;

import dev.lamina.engine.invoke.Engine;
import dev.lamina.engine.logs.LogSink;
import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Invocation;
import dev.lamina.model.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The latency of a warm invoke whose caller arrives while the runtime waits in {@code /next}, as the Lambda API's
 * callers do (a request comes well after the runtime asked for work), split at the platform lines: caller → START
 * (placement and hand-over), START → END (event written, the runtime's answer read), END → caller (REPORT,
 * completion, the caller's wake-up). The caller is a virtual thread, as the API's request threads are; the runtime is
 * a {@link FakeRuntime}. JMH's {@link InvokeHotPathBenchmark} calls back to back from platform threads, where the
 * runtime is usually not waiting yet when the next invoke is placed, so it does not show the hand-over.
 *
 * <p>Run: {@code java -cp 'benchmarks/target/classes:benchmarks/target/lib/*'
 * dev.lamina.benchmarks.hotpath.HandOverLatency [pause µs, default 300] [seconds per round, default 3]}.
 */
public final class HandOverLatency {

    private static volatile long startLine;
    private static volatile long endLine;

    private HandOverLatency() {}

    public static void main(String[] args) throws Exception {
        long pauseNanos = (args.length > 0 ? Long.parseLong(args[0]) : 300) * 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("lamina-handover");
        Path code = Files.createDirectories(dir.resolve("code"));
        Path bootstrap =
                Files.writeString(code.resolve("bootstrap"), "#!/bin/sh\n# never run: the runtime is a thread\n");
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        LogSink stamps = (group, stream, timestamp, line) -> {
            if (line.startsWith("START")) {
                startLine = System.nanoTime();
            } else if (line.startsWith("END")) {
                endLine = System.nanoTime();
            }
        };
        InProcessSandbox sandbox = new InProcessSandbox(ProcProbe.OFF);
        Map<String, Object> values = new HashMap<>();
        values.put("settings", new Settings("us-east-1", "000000000000"));
        values.put("sandbox", sandbox);
        values.put("runtimes", Runtimes.discover(Map.of()));
        values.put(
                "runtimeDirectory",
                Files.createDirectories(dir.resolve("runtime/provided")).getParent());
        values.put("instancesDirectory", dir.resolve("instances"));
        values.put("logSink", stamps);
        values.put("keepAlive", Duration.ofMinutes(30));
        values.put("initTimeout", Duration.ofSeconds(10));
        values.put("lambdaEndpoint", "http://127.0.0.1:1");
        values.put("accountConcurrency", 1000);
        values.put("memoryBudgetMb", 1L << 20);
        values.put("scalingPerTenSeconds", 1000);
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:bench";
        FunctionDeployment deployment = new FunctionDeployment(
                "bench", "$LATEST", arn, "provided.al2023", "bootstrap", 128, 3, Map.of(), code, "r1");
        try (Engine engine = new Engine(EngineConfigs.of(values))) {
            Thread caller = Thread.ofVirtual().start(() -> {
                byte[] payload = "{}".getBytes(StandardCharsets.US_ASCII);
                long id = 0;
                for (int round = 0; round < 3; round++) { // the first one warms up
                    long[][] samples = new long[4][2_000_000];
                    int n = 0;
                    long until = System.nanoTime() + seconds * 1_000_000_000L;
                    while (System.nanoTime() < until && n < samples[0].length) {
                        LockSupport.parkNanos(pauseNanos);
                        long t0 = System.nanoTime();
                        engine.invoke(
                                deployment,
                                new Invocation(new UUID(1, ++id).toString(), payload, arn, false, null, null));
                        long t1 = System.nanoTime();
                        samples[0][n] = startLine - t0;
                        samples[1][n] = endLine - startLine;
                        samples[2][n] = t1 - endLine;
                        samples[3][n] = t1 - t0;
                        n++;
                    }
                    if (round > 0) {
                        print(samples, n);
                    }
                }
            });
            caller.join();
        } finally {
            sandbox.stopAll();
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void print(long[][] samples, int n) {
        String[] names = {"caller→START", "START→END", "END→caller", "total"};
        StringBuilder line = new StringBuilder("invokes=" + n);
        for (int k = 0; k < names.length; k++) {
            long[] sorted = Arrays.copyOf(samples[k], n);
            Arrays.sort(sorted);
            line.append(String.format(
                    "  %s p50 %.1f p90 %.1f µs", names[k], sorted[n / 2] / 1e3, sorted[(int) (n * 0.9)] / 1e3));
        }
        System.out.println(line);
    }
}
