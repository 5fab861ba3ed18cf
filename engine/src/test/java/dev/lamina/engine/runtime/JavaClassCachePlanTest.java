package dev.lamina.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.engine.EngineConfig;
import dev.lamina.engine.runtime.JavaClassCache.Mechanism;
import dev.lamina.engine.runtime.JavaClassCache.Use;
import dev.lamina.engine.sandbox.LaunchSpec;
import dev.lamina.engine.sandbox.ProcessSandbox;
import dev.lamina.engine.sandbox.SandboxPaths;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How Java instances are planned to use the class-data cache, without starting any: a fake JDK (a {@code release}
 * file) stands for the host's. The real JVMs are in {@code invoke.JavaClassCacheTest}.
 */
class JavaClassCachePlanTest {

    private static final byte[] AOT_MAGIC = {(byte) 0xa2, (byte) 0xab, 0x0b, (byte) 0xf0};

    @TempDir
    Path data;

    private Path runtime;
    private Path code;

    @BeforeEach
    void setUp() throws IOException {
        runtime = Files.createDirectories(data.resolve("runtime/java"));
        Files.writeString(runtime.resolve("aws-lambda-java-runtime-interface-client-2.8.7.jar"), "jar");
        code = Files.createDirectories(data.resolve("code/" + "ab".repeat(32)));
    }

    private Path fakeJdk(String version) throws IOException {
        Path home = Files.createDirectories(data.resolve("jdk-" + version));
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "");
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\nIMPLEMENTOR=\"test\"\n");
        return java;
    }

    private JavaClassCache cache(Mechanism mechanism) {
        return new JavaClassCache(data.resolve("cache/java"), mechanism, new ProcessSandbox());
    }

    private FunctionDeployment deployment(String name, int memory, Map<String, String> env, String revision) {
        return new FunctionDeployment(
                name,
                "$LATEST",
                "arn:aws:lambda:us-east-1:000000000000:function:" + name,
                "java25",
                "example.Hello::handleRequest",
                memory,
                10,
                env,
                code,
                revision);
    }

    private FunctionDeployment deployment() {
        return deployment("f", 512, Map.of(), "r1");
    }

    private Use plan(JavaClassCache cache, Path java, FunctionDeployment d, String instance) {
        return cache.plan(d, java, LaunchPlans.jvmFlags(d), runtime, instance);
    }

    @Test
    void the_first_instance_trains_the_others_wait_for_its_cache_and_then_start_from_it() throws IOException {
        Path java = fakeJdk("25.0.3");
        JavaClassCache cache = cache(Mechanism.AOT_CACHE);

        Use trainer = plan(cache, java, deployment(), "i1");
        assertThat(trainer.directory()).isNotNull().startsWith(data.resolve("cache/java"));
        assertThat(trainer.flags().apply("/var/lamina/cache"))
                .contains(
                        "-XX:AOTMode=record",
                        "-XX:AOTConfiguration=/var/lamina/cache/i1.aotconf",
                        "-Xlog:aot*=off,cds*=off")
                .noneMatch(f -> f.startsWith("-Xshare"));

        Use meanwhile = plan(cache, java, deployment(), "i2");
        assertThat(meanwhile.directory()).isNull();
        assertThat(meanwhile.flags().apply(null)).isEqualTo(LaunchPlans.jvmFlags(deployment()));

        Files.write(trainer.directory().resolve("classes.aot"), AOT_MAGIC); // as if assembled and published
        Use next = plan(cache, java, deployment(), "i3");
        assertThat(next.directory()).isEqualTo(trainer.directory());
        assertThat(next.flags().apply("/var/lamina/cache"))
                .contains("-XX:AOTCache=/var/lamina/cache/classes.aot", "-Xlog:aot*=off,cds*=off")
                .doesNotContain("-XX:AOTMode=record")
                .noneMatch(f -> f.startsWith("-Xshare"));
    }

    @Test
    void a_trainer_killed_before_it_wrote_its_data_lets_the_next_instance_train() throws IOException {
        Path java = fakeJdk("25");
        JavaClassCache cache = cache(Mechanism.AOT_CACHE);
        Use trainer = plan(cache, java, deployment(), "i1");
        trainer.afterExit().run(); // no i1.aotconf: it was killed
        assertThat(plan(cache, java, deployment(), "i2").flags().apply("/c")).contains("-XX:AOTMode=record");
    }

    @Test
    void a_file_that_is_no_aot_cache_is_removed_and_trained_again() throws IOException {
        Path java = fakeJdk("25");
        JavaClassCache cache = cache(Mechanism.AOT_CACHE);
        Use trainer = plan(cache, java, deployment(), "i1");
        trainer.afterExit().run();
        Path dir = trainer.directory();
        Files.writeString(dir.resolve("classes.aot"), "garbage");
        Use use = plan(cache, java, deployment(), "i2");
        assertThat(dir.resolve("classes.aot")).doesNotExist();
        assertThat(use.flags().apply("/c")).contains("-XX:AOTMode=record");
    }

    @Test
    void the_key_follows_code_name_memory_and_jvm_options_but_not_the_revision() throws IOException {
        Path java = fakeJdk("25");
        JavaClassCache cache = cache(Mechanism.AOT_CACHE);
        String base = key(cache, java, deployment("f", 512, Map.of(), "r1"));
        assertThat(plan(cache, java, deployment(), "a")
                        .directory()
                        .getFileName()
                        .toString())
                .isEqualTo(base);
        assertThat(key(cache, java, deployment("f", 512, Map.of("OTHER", "x"), "r2")))
                .isEqualTo(base);
        assertThat(key(cache, java, deployment("g", 512, Map.of(), "r1"))).isNotEqualTo(base);
        assertThat(key(cache, java, deployment("f", 1024, Map.of(), "r1"))).isNotEqualTo(base);
        assertThat(key(cache, java, deployment("f", 512, Map.of("JAVA_TOOL_OPTIONS", "-Xss2m"), "r1")))
                .isNotEqualTo(base);
        Path otherCode = Files.createDirectories(data.resolve("code/" + "cd".repeat(32)));
        FunctionDeployment d = deployment();
        FunctionDeployment changed = new FunctionDeployment(
                d.functionName(),
                d.version(),
                d.functionArn(),
                d.runtime(),
                d.handler(),
                d.memorySize(),
                d.timeoutSeconds(),
                d.environment(),
                otherCode,
                "r3");
        assertThat(key(cache, java, changed)).isNotEqualTo(base);
        assertThat(key(cache, fakeJdk("25.0.4"), d)).isNotEqualTo(base);
    }

    @Test
    void the_key_follows_the_content_of_the_runtime_jars_not_their_time() throws IOException {
        Path java = fakeJdk("25");
        Path jar = runtime.resolve("aws-lambda-java-runtime-interface-client-2.8.7.jar");
        String before = key(cache(Mechanism.AOT_CACHE), java, deployment());
        Files.setLastModifiedTime(jar, FileTime.fromMillis(0)); // the server copies them anew
        assertThat(key(cache(Mechanism.AOT_CACHE), java, deployment())).isEqualTo(before);
        Files.writeString(jar, "JAR"); // same size, other content: the JVM would not notice
        assertThat(key(cache(Mechanism.AOT_CACHE), java, deployment())).isNotEqualTo(before);
    }

    private String key(JavaClassCache cache, Path java, FunctionDeployment d) {
        return cache.key(
                Mechanism.AOT_CACHE, d, java, JavaClassCache.jdk(java).orElseThrow(), LaunchPlans.jvmFlags(d), runtime);
    }

    @Test
    void functions_that_set_their_own_class_data_sharing_options_get_no_cache() throws IOException {
        Path java = fakeJdk("25");
        FunctionDeployment d = deployment("f", 512, Map.of("JAVA_TOOL_OPTIONS", "-Xshare:off"), "r1");
        Use use = plan(cache(Mechanism.AOT_CACHE), java, d, "i");
        assertThat(use.directory()).isNull();
        assertThat(use.flags().apply(null)).contains("-Xshare:auto");
    }

    @Test
    void jdk_19_to_23_get_the_dynamic_archive_and_older_ones_no_cache() throws IOException {
        Use jdk21 = plan(cache(Mechanism.AOT_CACHE), fakeJdk("21.0.5"), deployment(), "i");
        assertThat(jdk21.flags().apply("/c"))
                .contains(
                        "-XX:SharedArchiveFile=/c/classes.jsa",
                        "-XX:+AutoCreateSharedArchive",
                        "-Xlog:aot*=off,cds*=off")
                .noneMatch(f -> f.startsWith("-Xshare") || f.startsWith("-XX:AOT"));
        Use jdk17 = plan(cache(Mechanism.AOT_CACHE), fakeJdk("17.0.9"), deployment(), "i");
        assertThat(jdk17.directory()).isNull();
        assertThat(plan(cache(Mechanism.OFF), fakeJdk("25"), deployment(), "i").directory())
                .isNull();
    }

    @Test
    void a_dynamic_archive_that_is_no_archive_is_removed_before_the_jvm_sees_it() throws IOException {
        JavaClassCache cache = cache(Mechanism.DYNAMIC_ARCHIVE);
        Path java = fakeJdk("25");
        Path dir = plan(cache, java, deployment(), "i1").directory();
        Files.writeString(dir.resolve("classes.jsa"), "garbage");
        plan(cache, java, deployment(), "i2");
        assertThat(dir.resolve("classes.jsa")).doesNotExist();
    }

    @Test
    void java_launches_bind_the_cache_and_get_a_grace_to_exit_other_runtimes_do_not() throws IOException {
        Path java = fakeJdk("25");
        Path python = Files.writeString(data.resolve("python3"), "");
        EngineConfig config = new EngineConfig(
                new Settings("us-east-1", "000000000000"),
                new ProcessSandbox(),
                Runtimes.discover(Map.of("java25", java.toString(), "python3.12", python.toString())),
                data.resolve("runtime"),
                data.resolve("instances"),
                (group, stream, ts, line) -> {},
                Duration.ofMinutes(1),
                Duration.ofSeconds(10),
                "http://127.0.0.1:1",
                1000,
                1000,
                1000);
        LaunchPlans plans = new LaunchPlans(config);
        Path tmp = Files.createDirectories(data.resolve("instances/i1"));
        LaunchSpec spec = plans.plan(deployment(), "127.0.0.1:1", "s", tmp, tmp.resolve("log"), false);
        assertThat(spec.cacheDirectory()).startsWith(data.resolve("cache/java"));
        assertThat(spec.stopGrace()).isEqualTo(JavaClassCache.STOP_GRACE);
        SandboxPaths paths = new ProcessSandbox().paths(spec);
        assertThat(paths.cacheDir()).isEqualTo(spec.cacheDirectory().toString());
        List<String> command = spec.command().apply(paths);
        assertThat(command).contains("-XX:AOTMode=record").endsWith("example.Hello::handleRequest");
        assertThat(command.get(command.size() - 2)).isEqualTo(LaunchPlans.JAVA_MAIN);

        FunctionDeployment py = new FunctionDeployment(
                "p", "$LATEST", "arn", "python3.12", "app.handler", 128, 3, Map.of(), code, "r1");
        LaunchSpec pySpec = plans.plan(py, "127.0.0.1:1", "s", tmp, tmp.resolve("log"), false);
        assertThat(pySpec.cacheDirectory()).isNull();
        assertThat(pySpec.stopGrace()).isZero();
    }
}
