package dev.lamina.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lamina.engine.runtime.JavaPrestart;
import dev.lamina.engine.sandbox.BubblewrapSandbox;
import dev.lamina.engine.sandbox.ProcessSandbox;
import dev.lamina.engine.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures pre-started JVMs, for issue 5. Not a test (no assertion on time). Run it with
 *
 * <pre>./mvnw -q -o -B -pl engine,examples/java,runtime-java test -Dtest=PrestartMeasurement \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dlamina.measure=15</pre>
 *
 * <ul>
 *   <li>{@link #handOver}: the time from writing the assignment to a pre-started JVM's standard input to the Runtime
 *       API's receipt of its first response (examples/java's {@code example.Hello} and {@code example.StringResult},
 *       512 MB), as a plain process and under bubblewrap with Lamina's layout, without and with the generic cache;
 *       interleaved round by round with a plain {@code java -cp <dir> Hello} with default flags (process start to
 *       exit). The JVM is handed over once it has finished warming up (its CPU time stands still).
 *   <li>{@link #idleMemory} ({@code -Dlamina.measure.memory=5}): the private memory (USS: Private_Clean +
 *       Private_Dirty of /proc/PID/smaps_rollup) of a pre-started JVM that took over {@code example.Hello} and
 *       answered one invocation, next to another one from the same cache (as in a pool), against a bare idle {@code
 *       java Idle} (blocked on its standard input), read at the same moment, 8 s after the invocation.
 * </ul>
 */
class PrestartMeasurement {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path data;

    private Path java;
    private JavaPrestart prestart;
    private Path runtime;
    private Path hello;

    private void setUp() throws Exception {
        java = PrestartedJvm.javas("java25").stream().findFirst().orElse(null);
        assumeTrue(java != null, "no JDK 25");
        assumeTrue(Files.isRegularFile(PrestartedJvm.examplesZip()), "build examples/java first");
        prestart = JavaPrestart.forJava(java).orElseThrow();
        runtime = data.resolve("runtime");
        PrestartedJvm.layOutRuntime(runtime);
        hello = Files.createDirectories(data.resolve("hello"));
        Files.writeString(
                hello.resolve("Hello.java"),
                "public class Hello { public static void main(String[] a) { System.out.println(\"Hello, world!\"); }"
                        + " }\n"
                        + "class Idle { public static void main(String[] a) throws Exception { System.in.read(); } }\n");
        assertThat(new ProcessBuilder(
                                java.resolveSibling("javac").toString(),
                                "-d",
                                hello.toString(),
                                hello.resolve("Hello.java").toString())
                        .inheritIO()
                        .start()
                        .waitFor())
                .isZero();
    }

    private Path cache(boolean bubblewrap) throws Exception {
        Sandbox sandbox = bubblewrap ? new BubblewrapSandbox(BubblewrapSandbox.find()) : new ProcessSandbox();
        Path cache = data.resolve(bubblewrap ? "cache-bwrap" : "cache-plain").resolve(prestart.cacheKey(512, runtime));
        long start = System.nanoTime();
        assertThat(prestart.prepareCache(sandbox, 512, runtime, cache).get(2, TimeUnit.MINUTES))
                .isTrue();
        System.out.printf(
                "generic cache (%s): trained in %d ms, %d MB%n",
                bubblewrap ? "bubblewrap" : "plain",
                (System.nanoTime() - start) / 1_000_000,
                Files.size(cache.resolve(JavaPrestart.CACHE_FILE)) >> 20);
        return cache;
    }

    @Test
    @EnabledIfSystemProperty(named = "lamina.measure", matches = "\\d+")
    void handOver() throws Exception {
        setUp();
        int rounds = Integer.parseInt(System.getProperty("lamina.measure"));
        boolean bwrap = BubblewrapSandbox.find() != null;
        Map<String, Path> variants = new LinkedHashMap<>();
        variants.put("plain", null);
        variants.put("plain+cache", cache(false));
        if (bwrap) {
            variants.put("bwrap", null);
            variants.put("bwrap+cache", cache(true));
        }
        List<String> handlers = List.of("example.Hello::handleRequest", "example.StringResult::handleRequest");
        Map<String, List<Double>> total = new LinkedHashMap<>();
        Map<String, List<Double>> toNext = new LinkedHashMap<>();
        total.put("java Hello (default flags)", new ArrayList<>());
        int n = 0;
        for (int r = 0; r < rounds; r++) {
            total.get("java Hello (default flags)").add(plainHello());
            for (Map.Entry<String, Path> v : variants.entrySet()) {
                for (String handler : handlers) {
                    String name = v.getKey() + " " + handler.substring(8, handler.indexOf(':'));
                    Path work = Files.createDirectories(data.resolve("run-" + n++));
                    try (PrestartedJvm jvm = new PrestartedJvm(
                            prestart, runtime, work, v.getKey().startsWith("bwrap"), v.getValue(), 512)) {
                        waitUntilIdle(jvm);
                        PrestartedJvm.unzip(PrestartedJvm.examplesZip(), jvm.task);
                        long start = jvm.handOver(jvm.functionEnvironment(handler, Map.of("USER_VARIABLE", "x")));
                        PrestartedJvm.Answer answer = jvm.invoke(
                                handler.startsWith("example.Hello") ? "{\"name\":\"bench\"}" : "{}", TIMEOUT);
                        long end = System.nanoTime();
                        assertThat(answer.kind()).as(jvm.log()).isEqualTo("response");
                        total.computeIfAbsent(name, k -> new ArrayList<>()).add((end - start) / 1e6);
                        toNext.computeIfAbsent(name, k -> new ArrayList<>()).add((jvm.api.nextNanos - start) / 1e6);
                    }
                    deleteTree(work);
                }
            }
            total.get("java Hello (default flags)").add(plainHello());
        }
        System.out.printf("%nJDK %s, %d rounds, medians (ms):%n", java, rounds);
        total.forEach((name, values) -> System.out.printf(
                "  %-32s %6.1f%s%n",
                name,
                median(values),
                toNext.containsKey(name)
                        ? String.format("   (hand-over to /next %.1f)", median(toNext.get(name)))
                        : ""));
    }

    @Test
    @EnabledIfSystemProperty(named = "lamina.measure.memory", matches = "\\d+")
    void idleMemory() throws Exception {
        setUp();
        int rounds = Integer.parseInt(System.getProperty("lamina.measure.memory"));
        boolean bwrap = BubblewrapSandbox.find() != null;
        Path cache = cache(bwrap);
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            Path a = Files.createDirectories(data.resolve("mem-a" + r));
            Path b = Files.createDirectories(data.resolve("mem-b" + r));
            try (PrestartedJvm first = new PrestartedJvm(prestart, runtime, a, bwrap, cache, 512);
                    PrestartedJvm second = new PrestartedJvm(prestart, runtime, b, bwrap, cache, 512)) {
                for (PrestartedJvm jvm : List.of(first, second)) {
                    waitUntilIdle(jvm);
                    PrestartedJvm.unzip(PrestartedJvm.examplesZip(), jvm.task);
                    jvm.handOver(jvm.functionEnvironment("example.Hello::handleRequest", Map.of()));
                    assertThat(jvm.invoke("{\"name\":\"memory\"}", TIMEOUT).kind())
                            .isEqualTo("response");
                }
                Process idle = new ProcessBuilder(java.toString(), "-cp", hello.toString(), "Idle")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                try {
                    Thread.sleep(8000);
                    long[] pre = memory(second.javaPid());
                    long[] bare = memory(idle.pid());
                    long[] alone = memory(first.javaPid());
                    ratios.add((double) pre[0] / bare[0]);
                    System.out.printf(
                            "USS pre-started %d kB (cache file %d kB, anonymous %d kB; RSS %d, PSS %d) | java Idle"
                                    + " %d kB (RSS %d, PSS %d) | ratio %.2f%n",
                            pre[0], pre[3], pre[4], pre[1], pre[2], bare[0], bare[1], bare[2], ratios.getLast());
                    System.out.printf("   the other pre-started JVM: USS %d kB%n", alone[0]);
                } finally {
                    idle.destroyForcibly().waitFor();
                }
            }
            deleteTree(a);
            deleteTree(b);
        }
        System.out.printf("median ratio %.2f%n", median(ratios));
    }

    /** USS, RSS, PSS, then the private part of the cache file's mappings and of anonymous mappings (kB). */
    private static long[] memory(long pid) throws IOException {
        long[] m = new long[5];
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
            String[] f = line.trim().split("\\s+");
            switch (f[0]) {
                case "Private_Clean:", "Private_Dirty:" -> m[0] += Long.parseLong(f[1]);
                case "Rss:" -> m[1] = Long.parseLong(f[1]);
                case "Pss:" -> m[2] = Long.parseLong(f[1]);
                default -> {}
            }
        }
        String mapping = "";
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
            String[] f = line.trim().split("\\s+");
            if (f[0].matches("[0-9a-f]+-[0-9a-f]+")) {
                mapping = f.length > 5 ? f[5] : "";
            } else if (f[0].equals("Private_Clean:") || f[0].equals("Private_Dirty:")) {
                if (mapping.endsWith(JavaPrestart.CACHE_FILE)) {
                    m[3] += Long.parseLong(f[1]);
                } else if (mapping.isEmpty()) {
                    m[4] += Long.parseLong(f[1]);
                }
            }
        }
        return m;
    }

    private double plainHello() throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(java.toString(), "-cp", hello.toString(), "Hello")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(p.waitFor()).isZero();
        return (System.nanoTime() - start) / 1e6;
    }

    /** Waits until the JVM's CPU time stands still for 200 ms: it is done warming up and reads its input. */
    private static void waitUntilIdle(PrestartedJvm jvm) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Thread.sleep(200);
        long last = -1;
        int still = 0;
        while (still < 4 && System.nanoTime() < deadline) {
            long cpu;
            try {
                cpu = cpuTicks(jvm.javaPid());
            } catch (NoSuchElementException e) {
                cpu = -2; // not started yet (bubblewrap starts it)
            }
            still = cpu == last ? still + 1 : 0;
            last = cpu;
            Thread.sleep(50);
        }
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
