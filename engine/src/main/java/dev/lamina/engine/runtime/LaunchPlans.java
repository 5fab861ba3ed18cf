package dev.lamina.engine.runtime;

import dev.lamina.engine.EngineConfig;
import dev.lamina.engine.sandbox.HostFolders;
import dev.lamina.engine.sandbox.LaunchSpec;
import dev.lamina.engine.sandbox.SandboxPaths;
import dev.lamina.model.FunctionDeployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Builds how one instance of a deployment is started: its command line and its environment, as AWS Lambda sets it.
 * Pure apart from reading the code directory to check a custom runtime's {@code bootstrap}, and from the class-data
 * cache that Java instances start from ({@link JavaClassCache}), which it owns.
 */
public final class LaunchPlans {

    static final String JAVA_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    private final EngineConfig config;
    private final JavaClassCache javaCache;
    private final Map<Path, Optional<JavaPrestart>> javaPrestarts = new ConcurrentHashMap<>();
    private final Map<String, Path> javaPrestartCaches = new ConcurrentHashMap<>();

    public LaunchPlans(EngineConfig config) {
        this(config, JavaClassCache.Mechanism.AOT_CACHE);
    }

    /** With a chosen class-data cache for Java instances (to compare them; the default is the ADR's choice). */
    public LaunchPlans(EngineConfig config, JavaClassCache.Mechanism javaCache) {
        this.config = config;
        this.javaCache = new JavaClassCache(javaCacheRoot(config), javaCache, config.sandbox());
    }

    /** Lets background work (the assembly of Java class-data caches) finish until {@code deadline}, then stops it. */
    public void close(long deadline) {
        javaCache.close(deadline);
    }

    /** {@code <data>/cache/java}, beside the instances' directory. */
    static Path javaCacheRoot(EngineConfig config) {
        return config.instancesDirectory()
                .toAbsolutePath()
                .resolveSibling("cache")
                .resolve("java");
    }

    /**
     * The start of one instance.
     *
     * @param runtimeApi {@code host:port} of the instance's Runtime API
     * @param logStream the instance's log stream name
     * @param tmp the instance's private temporary directory on the host
     * @param logFile the file the instance's stdout and stderr are appended to
     * @param provisioned whether the instance is started ahead of invocations (provisioned concurrency)
     */
    public LaunchSpec plan(
            FunctionDeployment d, String runtimeApi, String logStream, Path tmp, Path logFile, boolean provisioned) {
        RuntimeFamily family = Runtimes.family(d.runtime()).orElseThrow();
        Path interpreter = config.runtimes().interpreter(d.runtime()).orElseThrow();
        List<Path> readOnly = new ArrayList<>();
        if (family != RuntimeFamily.PROVIDED) {
            readOnly.add(installRoot(interpreter));
        }
        Path runtimeDirectory = runtimeDirectory(family);
        JavaClassCache.Use cache = family == RuntimeFamily.JAVA
                ? javaCache.plan(
                        d,
                        interpreter,
                        jvmFlags(d),
                        runtimeDirectory,
                        tmp.getFileName().toString())
                : null;
        return new LaunchSpec(
                paths -> cache != null
                        ? javaCommand(interpreter, cache.flags().apply(paths.cacheDir()), d, paths)
                        : command(family, interpreter, d, paths),
                paths -> environment(family, d, paths, runtimeApi, logStream, provisioned),
                d.codeDirectory(),
                runtimeDirectory,
                tmp,
                logFile,
                readOnly,
                cache != null ? cache.directory() : null,
                // A JVM writes its class-data cache at exit, and runs the function's shutdown hooks.
                family == RuntimeFamily.JAVA ? JavaClassCache.STOP_GRACE : Duration.ZERO,
                cache != null ? cache.afterExit() : () -> {},
                false);
    }

    /** The host folder of a runtime family's own files (bootstraps, the Java runtime client). */
    private Path runtimeDirectory(RuntimeFamily family) {
        return config.runtimeDirectory().resolve(family.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** The folder an interpreter is installed in (its prefix), to make visible inside a sandbox. */
    static Path installRoot(Path interpreter) {
        Path bin = interpreter.getParent();
        return bin != null && bin.getParent() != null ? bin.getParent() : interpreter;
    }

    static List<String> command(RuntimeFamily family, Path interpreter, FunctionDeployment d, SandboxPaths p) {
        return command(family, interpreter, d.memorySize(), d, p);
    }

    /** The command of an instance; {@code d} is null for a pre-started runtime (never a Java one). */
    private static List<String> command(
            RuntimeFamily family, Path interpreter, int memorySize, FunctionDeployment d, SandboxPaths p) {
        return switch (family) {
            case PYTHON -> List.of(interpreter.toString(), "-u", p.runtimeDir() + "/bootstrap.py");
            case NODEJS ->
                List.of(
                        interpreter.toString(),
                        "--expose-gc", // as AWS's runtime starts Node; the bootstrap collects when idle (index.mjs)
                        "--max-old-space-size=" + heapMegabytes(memorySize),
                        "--max-semi-space-size=1", // keeps an idle instance's young generation small (-11 MiB)
                        p.runtimeDir() + "/index.mjs");
            case JAVA -> javaCommand(interpreter, jvmFlags(d), d, p);
            case PROVIDED -> List.of(p.taskRoot() + "/bootstrap");
        };
    }

    /** The JVM's flags for a Java function, without a class-data cache. */
    static List<String> jvmFlags(FunctionDeployment d) {
        return List.of(
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-XX:+ErrorFileToStderr",
                "-XX:MaxHeapSize=" + d.memorySize() * 1024 * 85 / 100 + "k", // as AWS's Java runtimes pass it
                "-Xms8m", // the heap grows when needed; an idle instance keeps 27 MiB less (docs/benchmarks.md)
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=/tmp");
    }

    private static List<String> javaCommand(
            Path interpreter, List<String> flags, FunctionDeployment d, SandboxPaths p) {
        List<String> command = new ArrayList<>();
        command.add(interpreter.toString());
        command.addAll(flags);
        command.addAll(List.of("-cp", p.runtimeDir() + "/*", JAVA_MAIN, d.handler()));
        return command;
    }

    /** The heap a runtime may use within the function's memory, leaving room for the runtime's own overhead. */
    static int heapMegabytes(int memorySize) {
        return Math.max(64, memorySize * 85 / 100);
    }

    Map<String, String> environment(
            RuntimeFamily family,
            FunctionDeployment d,
            SandboxPaths p,
            String runtimeApi,
            String logStream,
            boolean provisioned) {
        // Overridable defaults first, then the user's variables, then the reserved ones, which always win.
        Map<String, String> env = defaults(family, p);
        env.putAll(d.environment());
        env.remove("LAMINA_PRESTART"); // Lamina's own: it would make a bootstrap wait for a hand-over (ADR 0007)
        String region = config.settings().region();
        env.put("_HANDLER", d.handler());
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        if (family != RuntimeFamily.PROVIDED) {
            env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + d.runtime());
        }
        env.put("AWS_LAMBDA_FUNCTION_NAME", d.functionName());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(d.memorySize()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", d.version());
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", provisioned ? "provisioned-concurrency" : "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", d.logGroupName());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", logStream);
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("LAMBDA_TASK_ROOT", p.taskRoot());
        env.put("LAMBDA_RUNTIME_DIR", p.runtimeDir());
        env.put("TZ", ":UTC");
        // Lamina does not check signatures yet: these credentials only let SDKs in the function sign requests.
        env.put("AWS_ACCESS_KEY_ID", "LAMINAACCESSKEYID");
        env.put("AWS_SECRET_ACCESS_KEY", "lamina-secret-access-key");
        env.put("AWS_SESSION_TOKEN", "lamina-session-token");
        env.put("AWS_ENDPOINT_URL_LAMBDA", config.lambdaEndpoint());
        return env;
    }

    /** The overridable part of every instance's environment. */
    private static Map<String, String> defaults(RuntimeFamily family, SandboxPaths p) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put(
                "LD_LIBRARY_PATH",
                "/lib64:/usr/lib64:" + p.runtimeDir() + ":" + p.runtimeDir() + "/lib:" + p.taskRoot() + ":"
                        + p.taskRoot() + "/lib:/opt/lib");
        if (family == RuntimeFamily.NODEJS) {
            env.put(
                    "NODE_PATH",
                    "/opt/nodejs/node_modules:" + p.runtimeDir() + "/node_modules:" + p.runtimeDir() + ":"
                            + p.taskRoot());
        }
        env.put("AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR");
        return env;
    }

    // ---- Pre-started runtimes (docs/adr/0007-prestarted-runtimes.md) ---------------------------------------

    /**
     * A custom runtime's stand-in until its function is known: a shell that reads the hand-over (a script that
     * exports the function's environment and execs its {@code bootstrap}) from stdin. {@code PWD} is unset because
     * the shell always exports it, while a bootstrap started directly has it only where the sandbox sets it (then
     * the hand-over exports it again).
     */
    static final List<String> CUSTOM_RUNTIME_STAND_IN =
            List.of("/bin/sh", "-c", "unset PWD LAMINA_PRESTART; . /dev/stdin; exit 0");

    /**
     * The start of a runtime that waits for its function: the family's usual command (for a custom runtime, {@link
     * #CUSTOM_RUNTIME_STAND_IN}), only the variables that do not depend on the function, and stdin a pipe.
     *
     * @param taskDirectory the empty host folder that becomes {@code /var/task}, filled when a function is handed over
     */
    public LaunchSpec prestartPlan(PrestartKey key, String runtimeApi, Path taskDirectory, Path tmp, Path logFile) {
        RuntimeFamily family = key.family();
        Path interpreter = config.runtimes().interpreter(key.runtime()).orElseThrow();
        Path runtimeDirectory = runtimeDirectory(family);
        Function<SandboxPaths, List<String>> command = switch (family) {
            case PROVIDED -> paths -> CUSTOM_RUNTIME_STAND_IN;
            case JAVA -> null; // below
            default -> paths -> command(family, interpreter, key.memorySize(), null, paths);
        };
        Path cacheDirectory = null;
        if (family == RuntimeFamily.JAVA) {
            JavaPrestart jvm = javaPrestart(interpreter).orElseThrow();
            Path cache = jvm.usesCache() ? javaPrestartCache(jvm, key.memorySize(), runtimeDirectory) : null;
            boolean cached = cache != null && JavaPrestart.cacheReady(cache);
            if (cache != null && !cached) {
                jvm.prepareCache(config.sandbox(), key.memorySize(), runtimeDirectory, cache); // for the next ones
            }
            cacheDirectory = cached ? cache : null;
            command = paths -> jvm.command(key.memorySize(), paths, cached);
        }
        return new LaunchSpec(
                command,
                paths -> prestartEnvironment(family, paths, runtimeApi),
                taskDirectory,
                runtimeDirectory,
                tmp,
                logFile,
                family == RuntimeFamily.PROVIDED ? List.of() : List.of(installRoot(interpreter)),
                cacheDirectory,
                Duration.ZERO,
                () -> HostFolders.deleteTree(taskDirectory),
                true);
    }

    /** Whether runtimes of {@code key} can be started ahead on this host (for Java: a JDK 21 or later serves it). */
    public boolean canPrestart(PrestartKey key) {
        Optional<Path> interpreter = config.runtimes().interpreter(key.runtime());
        if (interpreter.isEmpty()) {
            return false;
        }
        return key.family() != RuntimeFamily.JAVA
                || javaPrestart(interpreter.get()).isPresent();
    }

    private Optional<JavaPrestart> javaPrestart(Path java) {
        return javaPrestarts.computeIfAbsent(java, JavaPrestart::forJava);
    }

    /** The host folder of the generic AOT cache of pre-started JVMs of a JDK and memory size (computed once). */
    private Path javaPrestartCache(JavaPrestart jvm, int memorySize, Path runtimeDirectory) {
        return javaPrestartCaches.computeIfAbsent(
                jvm.jdkMajor() + ":" + memorySize + ":" + runtimeDirectory,
                k -> javaCacheRoot(config).resolve(jvm.cacheKey(memorySize, runtimeDirectory)));
    }

    /** The environment a runtime started ahead begins with: nothing of its function, and {@code LAMINA_PRESTART}. */
    static Map<String, String> prestartEnvironment(RuntimeFamily family, SandboxPaths paths, String runtimeApi) {
        Map<String, String> env = defaults(family, paths);
        env.put("TZ", ":UTC");
        env.put("LAMBDA_TASK_ROOT", paths.taskRoot());
        env.put("LAMBDA_RUNTIME_DIR", paths.runtimeDir());
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("LAMINA_PRESTART", "1");
        return env;
    }

    /**
     * What a pre-started runtime reads on stdin to take on {@code d}: the instance's whole environment, as {@code
     * NAME=VALUE} entries each ended by a NUL byte; for a custom runtime's stand-in, a shell script that exports it and
     * execs the function's {@code bootstrap}.
     */
    public byte[] handOver(
            FunctionDeployment d,
            LaunchSpec prestarted,
            SandboxPaths paths,
            String runtimeApi,
            String logStream,
            boolean provisioned) {
        RuntimeFamily family = Runtimes.family(d.runtime()).orElseThrow();
        Map<String, String> env = environment(family, d, paths, runtimeApi, logStream, provisioned);
        env.putAll(config.sandbox().extraEnvironment(prestarted));
        return family == RuntimeFamily.PROVIDED
                ? HandOver.shellScript(env, paths.taskRoot() + "/bootstrap")
                : HandOver.environmentEntries(env);
    }

    /**
     * Why a custom runtime's deployment cannot start, as the {@code Runtime.InvalidEntrypoint} message that AWS gives
     * (without its {@code RequestId: <id> Error: } prefix); empty when it can start.
     */
    public static Optional<String> entrypointProblem(FunctionDeployment d) {
        if (Runtimes.family(d.runtime()).orElse(null) != RuntimeFamily.PROVIDED) {
            return Optional.empty();
        }
        Path bootstrap = d.codeDirectory().resolve("bootstrap");
        if (!Files.isRegularFile(bootstrap)) {
            return Optional.of("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]");
        }
        if (!Files.isExecutable(bootstrap)) {
            return Optional.of("fork/exec /var/task/bootstrap: permission denied");
        }
        try (var in = Files.newInputStream(bootstrap)) {
            byte[] head = in.readNBytes(256);
            String first = new String(head, StandardCharsets.ISO_8859_1).split("\n", 2)[0];
            if (first.startsWith("#!") && first.endsWith("\r")) {
                return Optional.of("fork/exec /var/task/bootstrap: no such file or directory");
            }
        } catch (IOException e) {
            return Optional.of("fork/exec /var/task/bootstrap: " + e.getMessage());
        }
        return Optional.empty();
    }
}
