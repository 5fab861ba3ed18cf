package dev.lamina.engine.runtime;

import dev.lamina.engine.sandbox.LaunchSpec;
import dev.lamina.engine.sandbox.Sandbox;
import dev.lamina.engine.sandbox.SandboxPaths;
import dev.lamina.model.FunctionDeployment;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class-data cache of Java instances (docs/adr/0006-java-cold-start.md): one host directory per function, code,
 * runtime, JDK and JVM flags, in which the JVM keeps the classes it loaded and linked, so that the next instance
 * starts from them instead of loading, verifying and linking the runtime interface client's classes again.
 *
 * <p>Two mechanisms of the JDK, chosen by {@link Mechanism}:
 *
 * <ul>
 *   <li>{@link Mechanism#AOT_CACHE} (JDK 24+, JEP 483 and 515), the default: an instance of a key with no cache is a
 *       <em>trainer</em>; it runs with {@code -XX:AOTMode=record} and writes its training data into the cache
 *       directory when it exits. The host then assembles the cache ({@code -XX:AOTMode=create}) in the background,
 *       in the same sandbox layout and with the same flags, and publishes it with an atomic rename. Later instances
 *       start with {@code -XX:AOTCache}. One trainer per key at a time (unless it has lived longer than {@link
 *       #TRAINER_PATIENCE}); instances that start meanwhile run without a cache.
 *   <li>{@link Mechanism#DYNAMIC_ARCHIVE} (JDK 19+; what {@code AOT_CACHE} falls back to on JDK 19 to 23): every
 *       instance runs with {@code -XX:+AutoCreateSharedArchive}; the JVM maps the archive when it is valid and writes
 *       it at exit when it is missing or from another JDK.
 * </ul>
 *
 * <p>Either way the JVM writes at exit, so Java instances are stopped with SIGTERM and a grace ({@link #STOP_GRACE})
 * rather than killed. The JVM's CDS/AOT logging is turned off, so that a missing, stale or corrupt cache never shows
 * in the function's log: the JVM then starts as it would without one. A file that is not a cache at all is removed
 * before an instance starts (and trained again).
 *
 * <p>Thread-safe.
 */
public final class JavaClassCache {

    /** How the class data is kept. */
    public enum Mechanism {
        /** JDK 24+ ahead-of-time cache: one training instance, assembled by the host. */
        AOT_CACHE,
        /** JDK 19+ dynamic CDS archive, written by the JVM itself at exit. */
        DYNAMIC_ARCHIVE,
        /** No cache: instances start as they always did. */
        OFF
    }

    /**
     * How long a Java instance gets to exit after SIGTERM before it is killed. A training JVM needs about 1 s to
     * write its training data on an idle machine, several under load; the server's shutdown (10 s) keeps room to
     * assemble it.
     */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** After this long, a trainer that still runs (a busy or provisioned instance) no longer stops another one. */
    static final Duration TRAINER_PATIENCE = Duration.ofMinutes(2);

    /** Key directories not used for this long are removed when a new key is made. */
    static final Duration UNUSED = Duration.ofDays(7);

    /** The file an assembled AOT cache is published as. */
    static final String AOT_FILE = "classes.aot";
    /** The dynamic archive's file. */
    static final String ARCHIVE_FILE = "classes.jsa";

    /** Unified logging of class data sharing off: a cache that cannot be used must not write to the function's log. */
    static final String QUIET = "-Xlog:aot*=off,cds*=off";

    /** The first four bytes of an AOT cache (a static archive, 0xf00baba2, little-endian). */
    private static final byte[] AOT_MAGIC = {(byte) 0xa2, (byte) 0xab, 0x0b, (byte) 0xf0};
    /** The first four bytes of a dynamic CDS archive (0xf00baba8). */
    private static final byte[] ARCHIVE_MAGIC = {(byte) 0xa8, (byte) 0xab, 0x0b, (byte) 0xf0};

    /** The function's own JVM options: they take part in the key, and some of them rule a cache out. */
    private static final List<String> JVM_ENVIRONMENT =
            List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    /** Options that conflict with a cache (the AOT flags refuse to start with any -Xshare): no cache for those. */
    private static final List<String> CONFLICTING = List.of("Xshare", "Shared", "AOT", "ArchiveClassesAtExit");

    private static final Logger log = LoggerFactory.getLogger(JavaClassCache.class);

    private final Path root;
    private final Mechanism mechanism;
    private final Sandbox sandbox;
    /** Key directory → the trainers running and when the last one started. */
    private final Map<Path, Training> training = new ConcurrentHashMap<>();

    private final Map<Path, Optional<Jdk>> jdks = new ConcurrentHashMap<>();
    private final Map<String, String> runtimeJars = new ConcurrentHashMap<>();
    private final Set<Process> assembling = ConcurrentHashMap.newKeySet();
    /** Key directories this engine used: never pruned while it runs. */
    private final Set<Path> keysInUse = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;

    /**
     * @param root where the key directories are made
     * @param sandbox where AOT caches are assembled (in the layout their training instance saw)
     */
    public JavaClassCache(Path root, Mechanism mechanism, Sandbox sandbox) {
        this.root = root;
        this.mechanism = mechanism;
        this.sandbox = sandbox;
    }

    /**
     * How one Java instance uses the cache.
     *
     * @param directory the key's host directory, to bind read-write in the sandbox; null when the instance runs
     *     without a cache
     * @param flags the JVM flags to start with, given the cache directory's path in the sandbox
     * @param afterExit what the host does once the instance's process is gone
     */
    public record Use(Path directory, Function<String, List<String>> flags, Runnable afterExit) {}

    /** The JDK a java executable belongs to: its major version, and what identifies its build. */
    record Jdk(int major, String identity) {}

    private record Training(int running, long lastStartNanos) {}

    /**
     * Decides how a new instance uses the cache.
     *
     * @param flags the JVM flags the instance would start with, without a cache ({@code -Xshare:auto} among them)
     * @param instanceName unique among instances (names its training files)
     */
    public Use plan(FunctionDeployment d, Path java, List<String> flags, Path runtimeDirectory, String instanceName) {
        Use none = new Use(null, ignored -> flags, () -> {});
        if (mechanism == Mechanism.OFF || conflicts(d)) {
            return none;
        }
        Jdk jdk = jdks.computeIfAbsent(java, JavaClassCache::jdk).orElse(null);
        if (jdk == null || jdk.major() < 19) {
            return none;
        }
        Mechanism used = mechanism == Mechanism.AOT_CACHE && jdk.major() < 24 ? Mechanism.DYNAMIC_ARCHIVE : mechanism;
        Path dir = root.resolve(key(used, d, java, jdk, flags, runtimeDirectory));
        keysInUse.add(dir);
        try {
            if (Files.isDirectory(dir)) {
                Files.setLastModifiedTime(dir, FileTime.from(Instant.now())); // in use: not pruned
            } else {
                Files.createDirectories(dir);
                pruneUnused();
            }
        } catch (IOException e) {
            log.warn("no class-data cache for {}: cannot make {}", d.functionName(), dir, e);
            return none;
        }
        List<String> base = flags.stream().filter(f -> !f.startsWith("-Xshare")).toList();
        return switch (used) {
            case AOT_CACHE -> aotCache(d, java, dir, base, runtimeDirectory, instanceName, none);
            case DYNAMIC_ARCHIVE -> dynamicArchive(dir, base);
            case OFF -> none;
        };
    }

    private Use aotCache(
            FunctionDeployment d,
            Path java,
            Path dir,
            List<String> base,
            Path runtimeDirectory,
            String name,
            Use none) {
        Path cache = dir.resolve(AOT_FILE);
        if (Files.exists(cache) && !startsWith(cache, AOT_MAGIC)) {
            delete(cache); // not an AOT cache: train again
        }
        if (isFile(cache)) {
            return new Use(dir, cacheDir -> with(base, "-XX:AOTCache=" + cacheDir + "/" + AOT_FILE, QUIET), () -> {});
        }
        if (!startTraining(dir)) {
            return none; // another instance is training this key
        }
        String config = name + ".aotconf";
        return new Use(
                dir,
                cacheDir -> with(base, "-XX:AOTMode=record", "-XX:AOTConfiguration=" + cacheDir + "/" + config, QUIET),
                () -> assemble(d, java, dir, base, runtimeDirectory, name));
    }

    private static Use dynamicArchive(Path dir, List<String> base) {
        Path archive = dir.resolve(ARCHIVE_FILE);
        if (Files.exists(archive) && !startsWith(archive, ARCHIVE_MAGIC)) {
            // The JVM would neither use nor rewrite a file that is no archive at all, and would say so on stderr.
            delete(archive);
        }
        return new Use(
                dir,
                cacheDir -> with(
                        base,
                        "-XX:SharedArchiveFile=" + cacheDir + "/" + ARCHIVE_FILE,
                        "-XX:+AutoCreateSharedArchive",
                        QUIET),
                () -> {});
    }

    /** Whether a new trainer may start for {@code dir}; if so, it counts as running. */
    private boolean startTraining(Path dir) {
        long now = System.nanoTime();
        boolean[] first = new boolean[1];
        boolean[] started = new boolean[1];
        training.compute(dir, (k, t) -> {
            if (t != null && now - t.lastStartNanos() < TRAINER_PATIENCE.toNanos()) {
                return t;
            }
            first[0] = t == null;
            started[0] = true;
            return new Training(t == null ? 1 : t.running() + 1, now);
        });
        if (first[0]) {
            removeLeftovers(dir);
        }
        return started[0];
    }

    private void trainingEnded(Path dir) {
        training.computeIfPresent(
                dir, (k, t) -> t.running() > 1 ? new Training(t.running() - 1, t.lastStartNanos()) : null);
    }

    /** After a trainer exited: assembles its training data into the cache, in the background. */
    private void assemble(
            FunctionDeployment d, Path java, Path dir, List<String> base, Path runtimeDirectory, String name) {
        Path config = dir.resolve(name + ".aotconf");
        if (closed || !isFile(config)) {
            delete(config);
            trainingEnded(dir); // killed before it wrote its data: a later instance trains again
            return;
        }
        Path tmp = dir.resolve(name + ".tmp");
        Path logFile = dir.resolve(name + ".assemble.log");
        try {
            Files.createDirectories(tmp);
            Files.deleteIfExists(logFile);
            Files.createFile(logFile);
            LaunchSpec spec = new LaunchSpec(
                    paths -> assembleCommand(java, base, paths, name),
                    paths -> assembleEnvironment(d),
                    d.codeDirectory(),
                    runtimeDirectory,
                    tmp,
                    logFile,
                    List.of(LaunchPlans.installRoot(java)),
                    dir,
                    Duration.ZERO,
                    () -> {},
                    false);
            Process process = sandbox.start(spec, sandbox.paths(spec));
            assembling.add(process);
            process.onExit().thenRun(() -> {
                // Published before it stops counting as under way: close() waits for exactly that.
                try {
                    published(dir, name, process.exitValue());
                } finally {
                    assembling.remove(process);
                }
            });
        } catch (IOException | RuntimeException e) {
            log.warn("cannot assemble the AOT cache of {} in {}", d.functionName(), dir, e);
            published(dir, name, -1);
        }
    }

    private static List<String> assembleCommand(Path java, List<String> base, SandboxPaths paths, String name) {
        List<String> command = new ArrayList<>();
        Path nice = Path.of("/usr/bin/nice");
        if (Files.isExecutable(nice)) {
            command.addAll(List.of(nice.toString(), "-n", "10")); // behind the instances serving invocations
        }
        command.add(java.toString());
        command.addAll(base);
        command.addAll(List.of(
                "-XX:AOTMode=create",
                "-XX:AOTConfiguration=" + paths.cacheDir() + "/" + name + ".aotconf",
                "-XX:AOTCache=" + paths.cacheDir() + "/" + name + ".aot.new",
                "-cp",
                paths.runtimeDir() + "/*"));
        return command;
    }

    /** The function's own JVM options are part of the flags the cache was trained with: the assembly gets them. */
    private static Map<String, String> assembleEnvironment(FunctionDeployment d) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin");
        env.put("LANG", "en_US.UTF-8");
        for (String name : JVM_ENVIRONMENT) {
            String value = d.environment().get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        return env;
    }

    private void published(Path dir, String name, int exitValue) {
        Path output = dir.resolve(name + ".aot.new");
        Path logFile = dir.resolve(name + ".assemble.log");
        try {
            if (exitValue == 0 && isFile(output) && startsWith(output, AOT_MAGIC)) {
                Files.move(
                        output,
                        dir.resolve(AOT_FILE),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                delete(logFile);
            } else if (!closed) {
                log.warn("assembling the AOT cache in {} failed (exit {}), see {}", dir, exitValue, logFile);
            }
        } catch (IOException e) {
            log.warn("cannot publish the AOT cache in {}", dir, e);
        } finally {
            delete(output);
            delete(dir.resolve(name + ".aotconf"));
            deleteTree(dir.resolve(name + ".tmp"));
            trainingEnded(dir);
        }
    }

    /**
     * The engine closes: waits until {@code deadline} (a {@link System#nanoTime}) for the assemblies under way, then
     * kills what is left. What was not published is trained again next time.
     */
    public void close(long deadline) {
        while (!assembling.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closed = true;
        assembling.forEach(sandbox::kill);
    }

    /** Training files of a server that stopped before it published them. */
    private static void removeLeftovers(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> !p.getFileName().toString().equals(AOT_FILE)).forEach(JavaClassCache::deleteTree);
        } catch (IOException e) {
            log.debug("cannot list {}", dir, e);
        }
    }

    /** Removes the key directories unused for {@link #UNUSED} (old code, settings or JDKs). */
    private void pruneUnused() {
        Instant limit = Instant.now().minus(UNUSED);
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                if (!keysInUse.contains(dir)
                        && Files.getLastModifiedTime(dir).toInstant().isBefore(limit)) {
                    deleteTree(dir);
                }
            }
        } catch (IOException e) {
            log.debug("cannot prune {}", root, e);
        }
    }

    /**
     * The key directory's name: a digest of everything the cached data depends on, so that a change of any of them
     * starts a new cache instead of using a stale one. The function's name keeps functions apart even when they share
     * their code. The runtime's jars count by content: the JVM does not check them against an AOT cache (JDK 25
     * neither compares their size nor their time), so a changed jar must never meet an old cache. A dynamic archive
     * also checks their timestamps and is not rewritten when they differ, so they count for it too.
     */
    String key(Mechanism used, FunctionDeployment d, Path java, Jdk jdk, List<String> flags, Path runtimeDirectory) {
        StringBuilder k = new StringBuilder();
        k.append(used).append('\n');
        k.append(d.functionName()).append('\n');
        k.append(d.codeDirectory().getFileName()).append('\n');
        k.append(d.runtime()).append('\n');
        k.append(java).append('\n');
        k.append(jdk.identity()).append('\n');
        k.append(String.join(" ", flags)).append('\n');
        for (String name : JVM_ENVIRONMENT) {
            k.append(name)
                    .append('=')
                    .append(d.environment().getOrDefault(name, ""))
                    .append('\n');
        }
        boolean withTimes = used == Mechanism.DYNAMIC_ARCHIVE;
        k.append(runtimeJars.computeIfAbsent(
                runtimeDirectory + "\n" + withTimes, ignored -> jarListing(runtimeDirectory, withTimes)));
        return sha256(k.toString()).substring(0, 32);
    }

    private static boolean conflicts(FunctionDeployment d) {
        return JVM_ENVIRONMENT.stream()
                .map(name -> d.environment().getOrDefault(name, ""))
                .anyMatch(value -> CONFLICTING.stream().anyMatch(value::contains));
    }

    /** The JDK of a java executable, from the {@code release} file of its home. */
    static Optional<Jdk> jdk(Path java) {
        try {
            Path home = java.toRealPath().getParent().getParent();
            String release = Files.readString(home.resolve("release"), StandardCharsets.UTF_8);
            Properties p = new Properties();
            p.load(new StringReader(release));
            String version = p.getProperty("JAVA_VERSION", "").replace("\"", "");
            String major = version.startsWith("1.") ? version.substring(2, 3) : version.split("[.\\-+]")[0];
            return Optional.of(new Jdk(Integer.parseInt(major), sha256(home + "\n" + release)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The runtime's files, by name and content digest (and time): computed once per engine. */
    private static String jarListing(Path runtimeDirectory, boolean withTimes) {
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
                s.append(f.getFileName()).append(' ').append(HexFormat.of().formatHex(digest.digest()));
                if (withTimes) {
                    s.append(' ').append(Files.getLastModifiedTime(f).toMillis());
                }
                s.append('\n');
            }
            return s.toString();
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unreadable " + e;
        }
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    private static boolean isFile(Path p) {
        try {
            return Files.isRegularFile(p) && Files.size(p) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean startsWith(Path file, byte[] prefix) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(prefix.length), prefix);
        } catch (IOException e) {
            return false;
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.debug("cannot remove {}", p, e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(JavaClassCache::delete);
        } catch (IOException e) {
            log.debug("cannot remove {}", root, e);
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
