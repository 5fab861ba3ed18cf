package dev.lamina.engine.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lamina.engine.EngineConfig;
import dev.lamina.engine.runtime.JavaClassCache.Mechanism;
import dev.lamina.engine.runtime.LaunchPlans;
import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.engine.sandbox.BubblewrapSandbox;
import dev.lamina.engine.sandbox.ProcessSandbox;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Invocation;
import dev.lamina.model.InvocationResult;
import dev.lamina.model.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures Java cold starts through the engine with real processes, for docs/adr/0006-java-cold-start.md: no cache,
 * the dynamic CDS archive and the AOT cache, interleaved round by round, and a plain {@code java} hello world with
 * default flags in the same run. Not a test (no assertion on time): run it with
 *
 * <pre>./mvnw -q -o -B -pl engine test -Dtest=JavaColdStartMeasurement -Dlamina.measure=25</pre>
 *
 * <p>{@code -Dlamina.measure.code=/path/to/folder} runs the function of that folder (examples/java's zip, unzipped)
 * instead of the same handler compiled here.
 */
@EnabledIfSystemProperty(named = "lamina.measure", matches = "\\d+")
class JavaColdStartMeasurement {

    private static final Pattern INIT = Pattern.compile("Init Duration: ([0-9.]+) ms");

    @TempDir
    Path data;

    @Test
    void measure() throws Exception {
        Path java = JavaFunctions.java().orElse(null);
        assumeTrue(java != null, "no JDK");
        int rounds = Integer.parseInt(System.getProperty("lamina.measure"));
        JavaFunctions.layOutRuntime(data.resolve("runtime"));
        Path code = data.resolve("code/" + "c0de".repeat(16));
        String unzipped = System.getProperty("lamina.measure.code"); // examples/java's zip, unzipped
        if (unzipped != null) {
            Files.createDirectories(code.getParent());
            Files.createSymbolicLink(code, Path.of(unzipped).toAbsolutePath());
        } else {
            JavaFunctions.compileHello(code);
        }
        Path plain = Files.createDirectories(data.resolve("plain"));
        Files.writeString(
                plain.resolve("Main.java"),
                "public class Main { public static void main(String[] a) { System.out.println(\"hello\"); } }");
        assertThat(new ProcessBuilder(
                                java.resolveSibling("javac").toString(),
                                "-d",
                                plain.toString(),
                                plain.resolve("Main.java").toString())
                        .inheritIO()
                        .start()
                        .waitFor())
                .isZero();

        String bwrap = BubblewrapSandbox.find();
        EngineConfig config = new EngineConfig(
                new Settings("us-east-1", "000000000000"),
                bwrap != null ? new BubblewrapSandbox(bwrap) : new ProcessSandbox(),
                Runtimes.discover(Map.of()),
                data.resolve("runtime"),
                data.resolve("instances"),
                (group, stream, ts, line) -> {},
                Duration.ofMinutes(10),
                Duration.ofSeconds(10),
                "http://127.0.0.1:1",
                1000,
                1_000_000,
                1000);
        Map<Mechanism, Engine> engines = new EnumMap<>(Mechanism.class);
        for (Mechanism m : Mechanism.values()) {
            engines.put(m, new Engine(config, new LaunchPlans(config, m)));
        }
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        try {
            // Training: the first instance of each cache, stopped, and the time until its cache is in place.
            for (Mechanism m : List.of(Mechanism.DYNAMIC_ARCHIVE, Mechanism.AOT_CACHE)) {
                Engine engine = engines.get(m);
                String file = m == Mechanism.AOT_CACHE ? "classes.aot" : "classes.jsa";
                for (int attempt = 0; !cacheExists(file); attempt++) {
                    // A training JVM that cannot exit within its grace (a loaded machine) is killed: train again.
                    assertThat(attempt)
                            .as(() -> m + ": no " + file + " in " + listing(data.resolve("cache")))
                            .isLessThan(5);
                    FunctionDeployment d = JavaFunctions.deployment(name(m), code, "train" + attempt);
                    Sample first = invoke(engine, d);
                    add(samples, m + " training: cold invoke ms", first.invokeMs);
                    add(samples, m + " training: Init Duration ms", first.initMs);
                    long stop = System.nanoTime();
                    engine.retire(d.functionName(), null);
                    while (!cacheExists(file)
                            && System.nanoTime() - stop < Duration.ofSeconds(30).toNanos()) {
                        Thread.sleep(5);
                    }
                    if (cacheExists(file)) {
                        add(samples, m + " training: stop to cache written ms", (System.nanoTime() - stop) / 1e6);
                    }
                    waitForNoInstances(engine);
                }
            }
            for (int round = 0; round < rounds; round++) {
                List<Mechanism> order = new ArrayList<>(List.of(Mechanism.values()));
                Collections.rotate(order, round);
                for (Mechanism m : order) {
                    Engine engine = engines.get(m);
                    FunctionDeployment d = JavaFunctions.deployment(name(m), code, "r" + round);
                    Sample s = invoke(engine, d);
                    add(samples, m + ": cold invoke ms", s.invokeMs);
                    add(samples, m + ": Init Duration ms", s.initMs);
                    long stop = System.nanoTime();
                    engine.retire(d.functionName(), null);
                    waitForNoInstances(engine);
                    add(samples, m + ": graceful stop ms", (System.nanoTime() - stop) / 1e6);
                }
                long start = System.nanoTime();
                Process p = new ProcessBuilder(java.toString(), "-cp", plain.toString(), "Main")
                        .redirectErrorStream(true)
                        .start();
                p.getInputStream().readAllBytes();
                p.waitFor();
                add(samples, "plain java hello world (default flags): process ms", (System.nanoTime() - start) / 1e6);
            }
        } finally {
            engines.values().forEach(Engine::close);
        }
        System.out.println("Java cold starts, " + rounds + " rounds, sandbox "
                + config.sandbox().name() + ", " + java + ", load average "
                + Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf(Locale.ROOT, "%-60s %8s %8s %8s %8s%n", "", "median", "min", "p90", "n");
        samples.forEach((label, values) -> {
            List<Double> sorted = values.stream().sorted().toList();
            System.out.printf(
                    Locale.ROOT,
                    "%-60s %8.0f %8.0f %8.0f %8d%n",
                    label,
                    sorted.get(sorted.size() / 2),
                    sorted.getFirst(),
                    sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.9))),
                    sorted.size());
        });
        try (Stream<Path> files = Files.walk(data.resolve("cache"))) {
            files.filter(Files::isRegularFile).forEach(f -> {
                try {
                    System.out.println(data.relativize(f) + " " + Files.size(f) + " bytes");
                } catch (IOException e) {
                    // listed for information only
                }
            });
        }
    }

    private static String listing(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(Path::toString).toList().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private record Sample(double invokeMs, double initMs) {}

    private static Sample invoke(Engine engine, FunctionDeployment d) {
        long start = System.nanoTime();
        InvocationResult r = engine.invoke(
                d,
                new Invocation(
                        UUID.randomUUID().toString(),
                        "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                        d.functionArn(),
                        true,
                        null,
                        null));
        double ms = (System.nanoTime() - start) / 1e6;
        assertThat(new String(r.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"Hello, x!\"}");
        Matcher m = INIT.matcher(r.logTail());
        assertThat(m.find()).as(r.logTail()).isTrue();
        return new Sample(ms, Double.parseDouble(m.group(1)));
    }

    private boolean cacheExists(String file) throws IOException {
        if (!Files.isDirectory(data.resolve("cache"))) {
            return false;
        }
        try (Stream<Path> files = Files.walk(data.resolve("cache"))) {
            return files.anyMatch(f -> f.getFileName().toString().equals(file));
        }
    }

    /**
     * Until every process this JVM started is gone (a retired pool leaves the engine's count at once), an AOT cache's
     * assembly included.
     */
    private static void waitForNoInstances(Engine engine) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((engine.instanceCount() > 0
                        || ProcessHandle.current().children().findAny().isPresent())
                && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    private static String name(Mechanism m) {
        return "hello-" + m.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static void add(Map<String, List<Double>> samples, String label, double value) {
        samples.computeIfAbsent(label, k -> new ArrayList<>()).add(value);
    }
}
