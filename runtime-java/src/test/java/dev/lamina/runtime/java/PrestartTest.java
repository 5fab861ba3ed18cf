package dev.lamina.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lamina.engine.runtime.HandOver;
import dev.lamina.engine.runtime.JavaPrestart;
import dev.lamina.engine.sandbox.BubblewrapSandbox;
import dev.lamina.engine.sandbox.ProcessSandbox;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pre-started JVMs as real child processes: started as {@link JavaPrestart} says, handed a function over through
 * their standard input, then invoked through the engine's Runtime API server. On every JDK of this host that serves
 * java21 or java25 and can be pre-started (21+), plainly and under bubblewrap.
 */
class PrestartTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path shared;

    static Path runtime;
    static Path envCode;

    @BeforeAll
    static void layOut() throws Exception {
        runtime = shared.resolve("runtime");
        PrestartedJvm.layOutRuntime(runtime);
        envCode = Files.createDirectories(shared.resolve("env-code"));
        PrestartedJvm.compile(
                "probe.Env",
                new String(
                        PrestartTest.class
                                .getResourceAsStream("/probe/Env.java.txt")
                                .readAllBytes(),
                        StandardCharsets.UTF_8),
                runtime,
                envCode);
    }

    static List<Path> javas() {
        return PrestartedJvm.javas("java21", "java25");
    }

    static List<Object[]> javasAndSandboxes() {
        List<Object[]> cases = new ArrayList<>();
        for (Path java : javas()) {
            cases.add(new Object[] {java, false});
            if (BubblewrapSandbox.find() != null) {
                cases.add(new Object[] {java, true});
            }
        }
        return cases;
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}, bubblewrap {1}")
    @MethodSource("javasAndSandboxes")
    void theFunctionSeesExactlyTheEnvironmentItIsGiven(Path java, boolean bubblewrap, @TempDir Path work)
            throws Exception {
        JavaPrestart prestart = JavaPrestart.forJava(java).orElseThrow();
        try (PrestartedJvm jvm = new PrestartedJvm(prestart, runtime, work, bubblewrap, null, 512)) {
            Thread.sleep(300); // whether the JVM is still warming up or waits already does not matter
            copyTree(envCode, jvm.task); // the function's files appear in place, after the start
            Map<String, String> user = new LinkedHashMap<>();
            user.put("USER_VARIABLE", "a value with = and spaces");
            user.put("EMPTY", "");
            user.put("NON_ASCII", "grüße ✓");
            Map<String, String> given = jvm.functionEnvironment("probe.Env::handleRequest", user);
            jvm.handOver(given);

            PrestartedJvm.Answer answer = jvm.invoke("{}", TIMEOUT);

            assertThat(answer.kind()).as(jvm.log()).isEqualTo("response");
            Map<String, Object> seen = JsonMapper.builder().build().readValue(answer.body(), Map.class);
            // As in a normal start, the JVM decodes the environment's bytes (UTF-8 here) with sun.jnu.encoding.
            Charset jnu = Charset.forName((String) seen.get("jnu"));
            Map<String, String> expected = new LinkedHashMap<>();
            given.forEach((k, v) -> expected.put(k, new String(v.getBytes(StandardCharsets.UTF_8), jnu)));
            assertThat(seen.get("env")).isEqualTo(expected);
            assertThat(seen.get("atInit")).isEqualTo(expected);
            assertThat(seen.get("child")).isEqualTo(expected);
            assertThat(seen.get("single")).isEqualTo("a value with = and spaces");
            assertThat(seen.get("command"))
                    .isEqualTo("com.amazonaws.services.lambda.runtime.api.client.AWSLambda probe.Env::handleRequest");
            assertThat(seen.get("tmpdir")).isEqualTo("/tmp");
            assertThat(seen.get("userDir")).isEqualTo(jvm.paths.taskRoot());
            assertThat(seen.get("loader"))
                    .isEqualTo("com.amazonaws.services.lambda.runtime.api.client.CustomerClassLoader");
            assertThat(seen.get("functionName")).isEqualTo("prestarted");
            assertThat(seen.get("memory")).isEqualTo(512);
            assertThat(seen.get("logStream")).isEqualTo("2026/12/03/[$LATEST]0123456789abcdef");
            assertThat(jvm.log()).doesNotContain("WARNING", "Exception", "error");
        }
    }

    @Test
    void theAssignmentIsParsedAsTheEngineWritesIt() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "1");
        env.put("EMPTY", "");
        env.put("B", "x=y ✓");
        assertThat(Prestart.parse(HandOver.environmentEntries(env))).containsExactlyEntriesOf(env);
        assertThat(Prestart.parse("A=1\0NOEQUALS\0=x\0B=2".getBytes(StandardCharsets.UTF_8)))
                .containsExactly(entry("A", "1"), entry("B", "2"));
    }

    @Test
    void examplesHelloAnswersItsFirstInvocation(@TempDir Path work) throws Exception {
        Path java = javas().stream()
                .filter(j -> JavaPrestart.forJava(j).orElseThrow().jdkMajor() >= 25)
                .findFirst()
                .orElse(null);
        assumeTrue(java != null, "examples/java is compiled for Java 25: no JDK 25 here");
        assumeTrue(Files.isRegularFile(PrestartedJvm.examplesZip()), "build examples/java first");
        for (String[] c : new String[][] {
            {"example.Hello::handleRequest", "{\"name\":\"Lamina\"}", "{\"message\":\"Hello, Lamina!\"}"},
            {"example.StringResult::handleRequest", "{}", "\"hello\""},
            {"example.Fail::handleRequest", "{}", null},
        }) {
            Path dir = Files.createDirectories(work.resolve(c[0].substring(8, 12)));
            try (PrestartedJvm jvm =
                    new PrestartedJvm(JavaPrestart.forJava(java).orElseThrow(), runtime, dir, false, null, 512)) {
                PrestartedJvm.unzip(PrestartedJvm.examplesZip(), jvm.task);
                jvm.handOver(jvm.functionEnvironment(c[0], Map.of("USER_VARIABLE", "x")));
                PrestartedJvm.Answer answer = jvm.invoke(c[1], TIMEOUT);
                if (c[2] != null) {
                    assertThat(answer).as(jvm.log()).isEqualTo(new PrestartedJvm.Answer("response", c[2]));
                } else {
                    // The error body is the client's own: the launcher's frames are not in it.
                    assertThat(answer.kind()).as(jvm.log()).startsWith("error ");
                    assertThat(answer.body())
                            .contains("\"errorMessage\":\"boom\"", "java.lang.IllegalStateException", "example.Fail")
                            .doesNotContain("dev.lamina", "AWSLambda");
                }
            }
        }
    }

    @Test
    void endOfInputWithoutAnAssignmentExitsQuietly(@TempDir Path work) throws Exception {
        for (Path java : javas()) {
            Path dir = Files.createDirectories(work.resolve(Integer.toString(java.hashCode())));
            try (PrestartedJvm jvm =
                    new PrestartedJvm(JavaPrestart.forJava(java).orElseThrow(), runtime, dir, false, null, 512)) {
                jvm.process.getOutputStream().close();
                assertThat(jvm.process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                        .isTrue();
                assertThat(jvm.process.exitValue()).isZero();
                assertThat(jvm.log()).isEmpty();
                assertThat(jvm.api.nextNanos).isZero(); // it never asked for an invocation
            }
        }
    }

    @Test
    void theGenericCacheIsTrainedOnceAndUsed(@TempDir Path work) throws Exception {
        Path java = javas().stream()
                .filter(j -> JavaPrestart.forJava(j).orElseThrow().usesCache())
                .findFirst()
                .orElse(null);
        assumeTrue(java != null, "no JDK 25+ here");
        assumeTrue(Files.isRegularFile(PrestartedJvm.examplesZip()), "build examples/java first");
        JavaPrestart prestart = JavaPrestart.forJava(java).orElseThrow();
        Path cache = work.resolve("cache").resolve(prestart.cacheKey(512, runtime));

        boolean ready =
                prestart.prepareCache(new ProcessSandbox(), 512, runtime, cache).get(2, TimeUnit.MINUTES);

        assertThat(ready).as(() -> read(cache.resolve("training.log"))).isTrue();
        assertThat(JavaPrestart.cacheReady(cache)).isTrue();
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(JavaPrestart.CACHE_FILE, "training.log");
        }
        assertThat(prestart.prepareCache(new ProcessSandbox(), 512, runtime, cache)
                        .get())
                .isTrue(); // already there: nothing to do
        helloFromTheCache(prestart, cache, work.resolve("plain"), false);

        if (BubblewrapSandbox.find() != null) {
            // Under bubblewrap the class path is /var/runtime/*: a cache of its own, trained in the same layout.
            Path bwrapCache = work.resolve("bwrap-cache").resolve(prestart.cacheKey(512, runtime));
            assertThat(prestart.prepareCache(new BubblewrapSandbox(BubblewrapSandbox.find()), 512, runtime, bwrapCache)
                            .get(2, TimeUnit.MINUTES))
                    .as(() -> read(bwrapCache.resolve("training.log")))
                    .isTrue();
            helloFromTheCache(prestart, bwrapCache, work.resolve("bwrap"), true);
        }
    }

    private static void helloFromTheCache(JavaPrestart prestart, Path cache, Path work, boolean bubblewrap)
            throws Exception {
        try (PrestartedJvm jvm = new PrestartedJvm(prestart, runtime, work, bubblewrap, cache, 512)) {
            PrestartedJvm.unzip(PrestartedJvm.examplesZip(), jvm.task);
            jvm.handOver(jvm.functionEnvironment("example.Hello::handleRequest", Map.of()));
            assertThat(jvm.invoke("{\"name\":\"cache\"}", TIMEOUT))
                    .as(jvm.log())
                    .isEqualTo(new PrestartedJvm.Answer("response", "{\"message\":\"Hello, cache!\"}"));
            assertThat(jvm.log()).isEmpty();
            // The JVM runs from the cache (it maps the file).
            assertThat(Files.readString(Path.of("/proc/" + jvm.javaPid() + "/maps")))
                    .contains(JavaPrestart.CACHE_FILE);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "(no " + file + ")";
        }
    }

    static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
