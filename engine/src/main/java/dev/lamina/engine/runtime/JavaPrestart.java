package dev.lamina.engine.runtime;

import dev.lamina.engine.sandbox.HostFolders;
import dev.lamina.engine.sandbox.LaunchSpec;
import dev.lamina.engine.sandbox.Sandbox;
import dev.lamina.engine.sandbox.SandboxPaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Pre-started Java instances: a JVM started in its sandbox before Lamina knows its function, which takes a function
 * over when its environment is written to its standard input (the launcher {@code dev.lamina.runtime.java.Prestart}
 * of runtime-java, beside the runtime interface client in the runtime directory). This class says how to start one,
 * which functions one can take over, what to write to it, and how to prepare the generic class-data cache that
 * pre-started JVMs of one JDK and memory size share.
 *
 * <p>The hand-over protocol: the JVM starts with {@link #environment} (no function in it) and an empty task root;
 * when the function's files are in place, Lamina writes the function's complete environment ({@link HandOver#environmentEntries}) to
 * the JVM's standard input and closes it. The JVM then replaces its environment with those entries and runs the
 * runtime interface client as a normal start would ({@code AWSLambda.main(_HANDLER)}). Closing the input without
 * writing anything makes it exit with status 0.
 *
 * <p>JDKs: 21 and later. The JVM replaces its C environment itself (glibc {@code clearenv}/{@code setenv} through the
 * foreign function API, before the JDK has read it), so that {@code System.getenv}, native code and child processes
 * all see the function's environment; older JDKs have no usable foreign function API, and replacing only the JDK's
 * copy (reflection on {@code java.lang.ProcessEnvironment}) would leave child processes with the pre-start
 * environment, so their functions start normally.
 *
 * <p>On JDK 25+ pre-started JVMs start from a generic AOT cache of the JDK, the runtime interface client and the
 * launcher, trained once per JDK, memory size, runtime and sandbox kind (paths) by a run against a training function
 * ({@link #prepareCache}); without it the hand-over is ~35% slower and the JVM's own start twice as long.
 *
 * <p>Pure, apart from {@link #forJava} (reads the JDK's {@code release} file) and the cache methods, which work on the
 * cache directory they are given.
 */
public final class JavaPrestart {

    /** The launcher's main class. */
    public static final String MAIN = "dev.lamina.runtime.java.Prestart";

    /** The generic cache's file in its directory. */
    public static final String CACHE_FILE = "prestart.aot";

    /** The oldest JDK whose JVMs can be pre-started: the foreign function API (a preview in 21, final in 22). */
    static final int MIN_JDK = 21;
    /** From this JDK on, pre-started JVMs use the generic AOT cache ({@code -XX:AOTCacheOutput}: JDK 25, JEP 514). */
    static final int CACHE_JDK = 25;

    /** A training run that has not ended in this time is given up. */
    static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(2);

    /** The magic number an AOT cache starts with (0xf00baba2, little-endian). */
    private static final byte[] AOT_MAGIC = {(byte) 0xa2, (byte) 0xab, 0x0b, (byte) 0xf0};

    private final Path java;
    private final int major;
    private final String jdkIdentity;

    private JavaPrestart(Path java, int major, String jdkIdentity) {
        this.java = java;
        this.major = major;
        this.jdkIdentity = jdkIdentity;
    }

    /** Pre-started JVMs of a java executable; empty when its JDK is older than 21 or cannot be read. */
    public static Optional<JavaPrestart> forJava(Path java) {
        return JavaClassCache.jdk(java)
                .filter(jdk -> jdk.major() >= MIN_JDK)
                .map(jdk -> new JavaPrestart(java, jdk.major(), jdk.identity()));
    }

    /** The JDK's major version. */
    public int jdkMajor() {
        return major;
    }

    /** Whether this JDK's pre-started JVMs use a generic cache ({@link #prepareCache}). */
    public boolean usesCache() {
        return major >= CACHE_JDK;
    }

    /**
     * The JVM flags of a pre-started JVM (the class path and main class follow them), without cache flags: those of
     * a normal start ({@code LaunchPlans.jvmFlags}, which depend on the function through its memory size only), and
     * what the launcher and memory need.
     */
    public List<String> flags(int memorySize) {
        List<String> flags = new ArrayList<>(List.of(
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-XX:+ErrorFileToStderr",
                "-XX:MaxHeapSize=" + memorySize * 1024 * 85 / 100 + "k",
                "-Xms8m",
                "--enable-native-access=ALL-UNNAMED", // also what the launcher needs
                "-Djava.io.tmpdir=/tmp",
                // The class-data archive at the address it was made for: its pages stay clean, so that pre-started
                // JVMs share them (-10 MiB of private memory each; the archive loses address randomisation).
                "-XX:+UnlockDiagnosticVMOptions",
                "-XX:ArchiveRelocationMode=0"));
        if (major >= 22) { // a product flag since JDK 22 (and 21.0.1)
            // Gives back the compiler's freed memory of the warm-up and the first invocations (-6 MiB when idle).
            flags.add("-XX:TrimNativeHeapInterval=1000");
        }
        return flags;
    }

    /**
     * The command line of a pre-started JVM.
     *
     * @param memorySize the function memory size (MB) of the pool it serves
     * @param paths the sandbox's paths: the runtime directory holds the client's jars and lamina-prestart.jar; the
     *     cache directory, when {@code cached}, is the key directory of {@link #prepareCache} (read-only is enough)
     * @param cached whether to start from the generic cache; only when {@link #usesCache} and the cache directory is
     *     bound (a missing or stale cache file starts the JVM without it, silently)
     */
    public List<String> command(int memorySize, SandboxPaths paths, boolean cached) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(flags(memorySize));
        if (cached && usesCache() && paths.cacheDir() != null) {
            command.add("-XX:AOTCache=" + paths.cacheDir() + "/" + CACHE_FILE);
            command.add(JavaClassCache.QUIET);
        }
        command.addAll(List.of("-cp", paths.runtimeDir() + "/*", MAIN));
        return command;
    }

    /**
     * The environment a pre-started JVM starts with: what every Java instance has before its function's variables,
     * the Runtime API of its sandbox, and {@code LAMINA_PRESTART=1}.
     */
    public static Map<String, String> environment(SandboxPaths p, String runtimeApi) {
        return LaunchPlans.prestartEnvironment(RuntimeFamily.JAVA, p, runtimeApi);
    }

    /**
     * The name of the generic cache's directory for pre-started JVMs of this JDK and memory size with the runtime in
     * {@code runtimeDirectory} (e.g. under {@code <data>/cache/java/}): a digest of the java executable, its JDK's
     * identity, the flags and the runtime's jars by content (the JVM does not check class-path jars against an AOT
     * cache).
     */
    public String cacheKey(int memorySize, Path runtimeDirectory) {
        StringBuilder k = new StringBuilder("prestart\n");
        k.append(java).append('\n').append(jdkIdentity).append('\n');
        k.append(String.join(" ", flags(memorySize))).append('\n');
        k.append(jarListing(runtimeDirectory));
        return "prestart-" + sha256(k.toString()).substring(0, 32);
    }

    /** Whether {@code hostCacheDirectory} holds a published cache. */
    public static boolean cacheReady(Path hostCacheDirectory) {
        return startsWith(hostCacheDirectory.resolve(CACHE_FILE), AOT_MAGIC);
    }

    /**
     * The command line of the training run: the same JVM and flags as {@link #command}, in the same sandbox layout,
     * with the cache directory writable. The JVM takes a training function over by itself, serves two invocations
     * from its own Runtime API, and at exit assembles the cache into {@code <cacheDir>/prestart.aot.tmp} (a child JVM,
     * ~2–5 s of CPU); {@link #publish} then renames it. Runs under {@code nice}.
     */
    public List<String> trainingCommand(int memorySize, SandboxPaths paths) {
        if (!usesCache()) {
            throw new IllegalStateException("JDK " + major + " has no generic cache");
        }
        List<String> command = new ArrayList<>();
        Path nice = Path.of("/usr/bin/nice");
        if (Files.isExecutable(nice)) {
            command.addAll(List.of(nice.toString(), "-n", "10"));
        }
        command.add(java.toString());
        command.addAll(flags(memorySize));
        command.add("-XX:AOTCacheOutput=" + paths.cacheDir() + "/" + CACHE_FILE + ".tmp");
        command.addAll(List.of("-cp", paths.runtimeDir() + "/*", MAIN, "--train"));
        return command;
    }

    /** After a training run ended with {@code exitValue}: publishes its cache (atomic rename) if it is one. */
    public static boolean publish(Path hostCacheDirectory, int exitValue) {
        Path output = hostCacheDirectory.resolve(CACHE_FILE + ".tmp");
        try {
            if (exitValue == 0 && startsWith(output, AOT_MAGIC)) {
                Files.move(
                        output,
                        hostCacheDirectory.resolve(CACHE_FILE),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                return true;
            }
            return false;
        } catch (IOException e) {
            return false;
        } finally {
            try {
                Files.deleteIfExists(output);
                Files.deleteIfExists(hostCacheDirectory.resolve(CACHE_FILE + ".tmp.config"));
            } catch (IOException e) {
                // left for the next training
            }
        }
    }

    /**
     * Makes sure {@code hostCacheDirectory} (the key directory, {@link #cacheKey}) holds the generic cache: trains it
     * in {@code sandbox} unless it is there or another training of it is under way (a {@code training.lock} younger
     * than {@link #TRAINING_TIMEOUT}). Completes with whether the cache is ready; never fails. The training's output
     * is in {@code training.log} there.
     *
     * @param runtimeDirectory the runtime's host directory (the client's jars and lamina-prestart.jar)
     */
    public CompletableFuture<Boolean> prepareCache(
            Sandbox sandbox, int memorySize, Path runtimeDirectory, Path hostCacheDirectory) {
        if (!usesCache()) {
            return CompletableFuture.completedFuture(false);
        }
        if (cacheReady(hostCacheDirectory)) {
            return CompletableFuture.completedFuture(true);
        }
        Path lock = hostCacheDirectory.resolve("training.lock");
        Path task = hostCacheDirectory.resolve("training-task");
        Path tmp = hostCacheDirectory.resolve("training-tmp");
        try {
            Files.createDirectories(hostCacheDirectory);
            if (!takeLock(lock)) {
                return CompletableFuture.completedFuture(false);
            }
            HostFolders.deleteTree(task);
            HostFolders.deleteTree(tmp);
            Files.createDirectories(task);
            Files.createDirectories(tmp);
            Path logFile = hostCacheDirectory.resolve("training.log");
            Files.deleteIfExists(logFile);
            Files.createFile(logFile);
            LaunchSpec spec = new LaunchSpec(
                    paths -> trainingCommand(memorySize, paths),
                    paths -> {
                        Map<String, String> env = environment(paths, "127.0.0.1:9"); // the training has its own
                        env.remove("LAMINA_PRESTART");
                        return env;
                    },
                    task,
                    runtimeDirectory,
                    tmp,
                    logFile,
                    List.of(LaunchPlans.installRoot(java)),
                    hostCacheDirectory,
                    Duration.ZERO,
                    () -> {},
                    false);
            Process process = sandbox.start(spec, sandbox.paths(spec));
            return process.onExit()
                    .orTimeout(TRAINING_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .handle((p, failure) -> {
                        if (failure != null) {
                            sandbox.kill(process);
                        }
                        boolean ready = failure == null && publish(hostCacheDirectory, p.exitValue());
                        HostFolders.deleteTree(task);
                        HostFolders.deleteTree(tmp);
                        try {
                            Files.deleteIfExists(lock);
                        } catch (IOException e) {
                            // stale after TRAINING_TIMEOUT
                        }
                        return ready;
                    });
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(lock);
            } catch (IOException ignored) {
                // stale after TRAINING_TIMEOUT
            }
            return CompletableFuture.completedFuture(false);
        }
    }

    private static boolean takeLock(Path lock) throws IOException {
        try {
            Files.createFile(lock);
            return true;
        } catch (FileAlreadyExistsException e) {
            Instant since = Files.getLastModifiedTime(lock).toInstant();
            if (since.isAfter(Instant.now().minus(TRAINING_TIMEOUT))) {
                return false;
            }
            Files.setLastModifiedTime(lock, FileTime.from(Instant.now()));
            return true;
        }
    }

    /** The runtime's jars by name and content digest. */
    private static String jarListing(Path runtimeDirectory) {
        try (Stream<Path> files = Files.list(runtimeDirectory)) {
            StringBuilder s = new StringBuilder();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    byte[] buffer = new byte[64 * 1024];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                }
                s.append(f.getFileName())
                        .append(' ')
                        .append(HexFormat.of().formatHex(digest.digest()))
                        .append('\n');
            }
            return s.toString();
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unreadable " + e;
        }
    }

    private static boolean startsWith(Path file, byte[] prefix) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(prefix.length), prefix);
        } catch (IOException e) {
            return false;
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
