package dev.lamina.benchmarks.load;

import dev.lamina.benchmarks.hotpath.EngineConfigs;
import dev.lamina.engine.invoke.Engine;
import dev.lamina.engine.logs.LogSink;
import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.engine.sandbox.BubblewrapSandbox;
import dev.lamina.engine.sandbox.ProcessSandbox;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Invocation;
import dev.lamina.model.InvocationResult;
import dev.lamina.model.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the time of one invoke goes inside the engine, without the Lambda API: the engine is called directly, with
 * the server's sandbox and the custom runtime's bootstrap, and a log sink that stamps each platform line with
 * {@link System#nanoTime()}. The platform lines are written at known points: INIT_START just before the spawn, START
 * at hand-over, END when the response arrives, REPORT after the memory probe that its "Max Memory Used" needs (for a
 * caller that did not ask for the log tail, after its answer).
 */
final class EngineBreakdown {

    private EngineBreakdown() {}

    /** nanoTime of the last platform line of each kind, by request id (INIT_START by function). */
    private static final class StampingSink implements LogSink {
        final Map<String, Long> stamps = new ConcurrentHashMap<>();

        @Override
        public void append(String logGroup, String logStream, long timestamp, String message) {
            long now = System.nanoTime();
            if (message.startsWith("INIT_START")) {
                stamps.put("INIT_START", now);
            } else if (message.startsWith("START RequestId: ")) {
                stamps.put("START " + id(message, "START RequestId: "), now);
            } else if (message.startsWith("END RequestId: ")) {
                stamps.put("END " + id(message, "END RequestId: "), now);
            } else if (message.startsWith("REPORT RequestId: ")) {
                stamps.put("REPORT " + id(message, "REPORT RequestId: "), now);
            }
        }

        private static String id(String line, String prefix) {
            int end = line.indexOf(line.startsWith("START") ? ' ' : '\t', prefix.length());
            return line.substring(prefix.length(), end < 0 ? line.length() : end)
                    .trim();
        }
    }

    static void run(
            Report report,
            java.util.List<Functions.Fn> fns,
            Path work,
            Path runtimeDir,
            int coldSamples,
            int warmSamples)
            throws Exception {
        Path dir = Files.createDirectories(work.resolve("breakdown"));
        for (String family : new String[] {"provided", "python", "nodejs", "java"}) {
            Files.createDirectories(runtimeDir.resolve(family)); // some versions mount the family's folder alone
        }
        Map<String, Path> codes = new HashMap<>();
        for (Functions.Fn fn : fns) {
            codes.put(fn.label(), unzip(fn.zip(), Files.createDirectories(dir.resolve("code-" + fn.label()))));
        }
        int processes = new java.io.File("/proc").list((f, n) -> n.chars().allMatch(Character::isDigit)).length;
        Report.Section s = report.section(
                "Engine breakdown (engine called directly)",
                "The engine called directly (no Lambda API, no HTTP client) with each runtime's real bootstrap, "
                        + "under the server's sandbox (bubblewrap) and under a plain child process; phases from a log "
                        + "sink that stamps each platform line. INIT_START is written just before the spawn, START at "
                        + "hand-over, END when the response arrives, REPORT after the per-invoke memory probe (a "
                        + "status file per process of the instance), which runs after the caller has its answer "
                        + "(no log tail asked), so the total leaves it out. About "
                        + processes + " processes on the machine. Medians, µs; cold: one new instance per sample.",
                "Runtime",
                "sandbox",
                "invoke",
                "before spawn",
                "spawn → first /next (Init)",
                "hand-over → response (START → END)",
                "response → caller (END → return)",
                "total",
                "memory probe, after the answer (END → REPORT)",
                "samples");
        String bwrap = BubblewrapSandbox.find();
        java.util.List<Object> sandboxes = new java.util.ArrayList<>();
        if (bwrap != null) {
            sandboxes.add(new BubblewrapSandbox(bwrap));
        }
        sandboxes.add(new ProcessSandbox());
        for (Object sandbox : sandboxes) {
            StampingSink sink = new StampingSink();
            Map<String, Object> values = new HashMap<>();
            values.put("settings", new Settings("us-east-1", "000000000000"));
            values.put("sandbox", sandbox);
            values.put("runtimes", Runtimes.discover(Map.of()));
            values.put("runtimeDirectory", runtimeDir);
            values.put("instancesDirectory", dir.resolve("instances"));
            values.put("logSink", sink);
            values.put("keepAlive", Duration.ofMinutes(30));
            values.put("initTimeout", Duration.ofSeconds(10));
            values.put("lambdaEndpoint", "http://127.0.0.1:1");
            values.put("accountConcurrency", 1000);
            values.put("memoryBudgetMb", 1L << 20);
            values.put("scalingPerTenSeconds", 1000);
            values.put("prestartedRuntimes", 0); // every cold start here starts its own process
            String sandboxName = ((dev.lamina.engine.sandbox.Sandbox) sandbox).name();
            try (Engine engine = new Engine(EngineConfigs.of(values))) {
                for (Functions.Fn fn : fns) {
                    int n = fn.label().equals("Java") ? Math.max(3, coldSamples / 2) : coldSamples;
                    long[][] cold = new long[5][n];
                    // One unmeasured cold start first: caches that the first instance of a function makes (the Java
                    // AOT cache of commit 1212981) are then in place for every sample, under either sandbox.
                    FunctionDeployment first = deployment(fn, codes.get(fn.label()), "first");
                    invoke(engine, sink, first, true);
                    engine.retire(first.functionName(), null);
                    Thread.sleep(fn.label().equals("Java") ? 3000 : 100);
                    for (int i = 0; i < n; i++) {
                        FunctionDeployment d = deployment(fn, codes.get(fn.label()), "c" + i);
                        long[] p = invoke(engine, sink, d, true);
                        for (int k = 0; k < 5; k++) {
                            cold[k][i] = p[k];
                        }
                        engine.retire(d.functionName(), null);
                        Thread.sleep(100);
                    }
                    row(s, fn.id(), sandboxName, "cold", cold, n);
                    if (!(sandbox instanceof BubblewrapSandbox) && bwrap != null) {
                        continue; // warm invokes do not depend on how the process was started
                    }
                    long[][] warm = new long[5][warmSamples];
                    FunctionDeployment d = deployment(fn, codes.get(fn.label()), "warm");
                    for (int i = -warmSamples / 5; i < warmSamples; i++) {
                        long[] p = invoke(engine, sink, d, false);
                        if (i >= 0) {
                            for (int k = 0; k < 5; k++) {
                                warm[k][i] = p[k];
                            }
                        }
                    }
                    engine.retire(d.functionName(), null);
                    row(s, fn.id(), sandboxName, "warm", warm, warmSamples);
                }
            }
        }
    }

    private static FunctionDeployment deployment(Functions.Fn fn, Path code, String revision) {
        String name = "breakdown-" + fn.label().toLowerCase(java.util.Locale.ROOT);
        return new FunctionDeployment(
                name,
                "$LATEST",
                "arn:aws:lambda:us-east-1:000000000000:function:" + name,
                fn.id(),
                fn.handler(),
                128,
                3,
                Map.of(),
                code,
                revision);
    }

    /** One invoke; answers the phases in ns: before spawn (cold only), init (cold only), run, probe, return. */
    private static long[] invoke(Engine engine, StampingSink sink, FunctionDeployment d, boolean cold) {
        String id = UUID.randomUUID().toString();
        sink.stamps.remove("INIT_START");
        long t0 = System.nanoTime();
        InvocationResult r = engine.invoke(
                d, new Invocation(id, "{}".getBytes(StandardCharsets.US_ASCII), d.functionArn(), false, null, null));
        long t1 = System.nanoTime();
        if (r.failed()) {
            throw new IllegalStateException(
                    d.runtime() + " failed in the breakdown: " + new String(r.payload(), StandardCharsets.UTF_8));
        }
        long start = sink.stamps.remove("START " + id);
        long end = sink.stamps.remove("END " + id);
        long rep = awaitStamp(sink, "REPORT " + id);
        Long init = sink.stamps.get("INIT_START");
        if (cold) {
            return new long[] {init - t0, start - init, end - start, t1 - end, rep - end};
        }
        return new long[] {start - t0, 0, end - start, t1 - end, rep - end};
    }

    /** The stamp of a line that may come after the invoke returned (REPORT); removed. */
    private static long awaitStamp(StampingSink sink, String line) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        Long stamp;
        while ((stamp = sink.stamps.remove(line)) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + line + " within 5 s");
            }
            Thread.onSpinWait();
        }
        return stamp;
    }

    /** Unpacks a deployment zip with its files' modes (the custom bootstrap must stay executable). */
    private static Path unzip(byte[] zip, Path to) throws java.io.IOException {
        try (var file = org.apache.commons.compress.archivers.zip.ZipFile.builder()
                .setSeekableByteChannel(new org.apache.commons.compress.utils.SeekableInMemoryByteChannel(zip))
                .get()) {
            var entries = file.getEntries();
            while (entries.hasMoreElements()) {
                var e = entries.nextElement();
                Path target = to.resolve(e.getName()).normalize();
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (var in = file.getInputStream(e)) {
                    Files.copy(in, target);
                }
                int mode = e.getUnixMode() & 0777;
                Files.setPosixFilePermissions(
                        target, PosixFilePermissions.fromString((mode & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return to;
    }

    private static void row(Report.Section s, String runtime, String sandbox, String what, long[][] phases, int n) {
        double[] p50 = new double[phases.length];
        double total = 0;
        for (int k = 0; k < phases.length; k++) {
            p50[k] = Stats.of(phases[k], n).p50() / 1000;
            total += k < 4 ? p50[k] : 0; // the probe (last) runs after the answer
        }
        if (what.equals("cold")) {
            Report.row(s, runtime, sandbox, what, p50[0], p50[1], p50[2], p50[3], total, p50[4], n);
        } else {
            Report.row(
                    s,
                    runtime,
                    sandbox,
                    "warm (first column: placement + hand-off)",
                    p50[0],
                    "",
                    p50[2],
                    p50[3],
                    total,
                    p50[4],
                    n);
        }
    }
}
