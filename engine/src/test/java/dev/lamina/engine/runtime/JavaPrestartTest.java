package dev.lamina.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.engine.sandbox.SandboxPaths;
import dev.lamina.model.FunctionDeployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JavaPrestart}'s decisions, on fake JDKs (real pre-started JVMs: runtime-java's PrestartTest). */
class JavaPrestartTest {

    private static final SandboxPaths PATHS = new SandboxPaths("/var/task", "/var/runtime", "/var/lamina/cache");

    @TempDir
    Path dir;

    private Path jdk(String version) throws IOException {
        Path home = dir.resolve("jdk-" + version);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/java"), "");
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\nIMPLEMENTOR=\"Test\"\n");
        return home.resolve("bin/java");
    }

    @Test
    void jdksOlderThan21CannotBePrestarted() throws IOException {
        assertThat(JavaPrestart.forJava(jdk("17.0.15"))).isEmpty();
        assertThat(JavaPrestart.forJava(jdk("1.8.0_402"))).isEmpty();
        assertThat(JavaPrestart.forJava(dir.resolve("missing/bin/java"))).isEmpty();
        JavaPrestart jdk21 = JavaPrestart.forJava(jdk("21.0.5")).orElseThrow();
        assertThat(jdk21.jdkMajor()).isEqualTo(21);
        assertThat(jdk21.usesCache()).isFalse();
        assertThat(JavaPrestart.forJava(jdk("25.0.3")).orElseThrow().usesCache())
                .isTrue();
    }

    @Test
    void commandLine() throws IOException {
        Path java = jdk("25.0.3");
        JavaPrestart prestart = JavaPrestart.forJava(java).orElseThrow();
        List<String> flags = List.of(
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-XX:+ErrorFileToStderr",
                "-XX:MaxHeapSize=445644k",
                "-Xms8m",
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=/tmp",
                "-XX:+UnlockDiagnosticVMOptions",
                "-XX:ArchiveRelocationMode=0",
                "-XX:TrimNativeHeapInterval=1000");
        assertThat(prestart.command(512, PATHS, true))
                .containsExactlyElementsOf(concat(
                        List.of(java.toString()),
                        flags,
                        List.of(
                                "-XX:AOTCache=/var/lamina/cache/prestart.aot",
                                "-Xlog:aot*=off,cds*=off",
                                "-cp",
                                "/var/runtime/*",
                                "dev.lamina.runtime.java.Prestart")));
        assertThat(prestart.command(512, PATHS, false))
                .containsExactlyElementsOf(concat(
                        List.of(java.toString()),
                        flags,
                        List.of("-cp", "/var/runtime/*", "dev.lamina.runtime.java.Prestart")));
        assertThat(prestart.trainingCommand(512, PATHS))
                .containsSubsequence(
                        java.toString(),
                        "-XX:MaxHeapSize=445644k",
                        "-XX:AOTCacheOutput=/var/lamina/cache/prestart.aot.tmp",
                        "-cp",
                        "/var/runtime/*",
                        "dev.lamina.runtime.java.Prestart",
                        "--train");
        // JDK 21: no generic cache, no heap trimming flag (21.0.0 does not know it)
        JavaPrestart jdk21 = JavaPrestart.forJava(jdk("21.0.5")).orElseThrow();
        assertThat(jdk21.command(512, PATHS, true))
                .doesNotContain("-XX:TrimNativeHeapInterval=1000")
                .noneMatch(a -> a.contains("AOT"));
        assertThatThrownBy(() -> jdk21.trainingCommand(512, PATHS)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void functionsThatSetVariablesTheJvmReadsAtStartNeedANormalStart() {
        for (String name : List.of(
                "JAVA_TOOL_OPTIONS",
                "JDK_JAVA_OPTIONS",
                "_JAVA_OPTIONS",
                "CLASSPATH",
                "LANG",
                "LC_ALL",
                "LD_PRELOAD",
                "MALLOC_ARENA_MAX")) {
            assertThat(PrestartKey.of(java21(Map.of(name, "x")))).as(name).isEmpty();
        }
        assertThat(PrestartKey.of(java21(Map.of("MY_SETTING", "x")))).contains(new PrestartKey("java21", 512));
    }

    private static FunctionDeployment java21(Map<String, String> env) {
        return new FunctionDeployment(
                "f", "$LATEST", "arn", "java21", "example.Hello::handleRequest", 512, 3, env, Path.of("/code"), "r1");
    }

    @Test
    void theHandOverIsNulTerminatedUtf8Entries() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "1");
        env.put("EMPTY", "");
        env.put("B", "x=y ✓");
        assertThat(new String(HandOver.environmentEntries(env), StandardCharsets.UTF_8))
                .isEqualTo("A=1\0EMPTY=\0B=x=y ✓\0");
        assertThat(HandOver.environmentEntries(Map.of())).isEmpty();
        assertThatThrownBy(() -> HandOver.environmentEntries(Map.of("A=B", "1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HandOver.environmentEntries(Map.of("A", "1\0")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCacheKeyFollowsTheJdkTheMemorySizeAndTheRuntimeJars() throws IOException {
        JavaPrestart prestart = JavaPrestart.forJava(jdk("25.0.3")).orElseThrow();
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        Files.writeString(runtime.resolve("a.jar"), "one");
        String key = prestart.cacheKey(512, runtime);
        assertThat(key).startsWith("prestart-").isEqualTo(prestart.cacheKey(512, runtime));
        assertThat(prestart.cacheKey(1024, runtime)).isNotEqualTo(key);
        assertThat(JavaPrestart.forJava(jdk("25.0.4")).orElseThrow().cacheKey(512, runtime))
                .isNotEqualTo(key);
        Files.writeString(runtime.resolve("a.jar"), "two");
        assertThat(prestart.cacheKey(512, runtime)).isNotEqualTo(key);
    }

    @Test
    void onlyACompleteCacheOfASuccessfulTrainingIsPublished() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        byte[] aot = {(byte) 0xa2, (byte) 0xab, 0x0b, (byte) 0xf0, 1, 2, 3};
        Files.write(cache.resolve("prestart.aot.tmp"), aot);
        assertThat(JavaPrestart.publish(cache, 1)).isFalse();
        assertThat(JavaPrestart.cacheReady(cache)).isFalse();
        assertThat(cache.resolve("prestart.aot.tmp")).doesNotExist();

        Files.write(cache.resolve("prestart.aot.tmp"), new byte[] {1, 2, 3, 4});
        assertThat(JavaPrestart.publish(cache, 0)).isFalse();
        assertThat(JavaPrestart.cacheReady(cache)).isFalse();

        Files.write(cache.resolve("prestart.aot.tmp"), aot);
        assertThat(JavaPrestart.publish(cache, 0)).isTrue();
        assertThat(JavaPrestart.cacheReady(cache)).isTrue();
        assertThat(cache.resolve("prestart.aot")).hasBinaryContent(aot);
    }

    private static List<String> concat(List<String> a, List<String> b, List<String> c) {
        return java.util.stream.Stream.of(a, b, c).flatMap(List::stream).toList();
    }
}
