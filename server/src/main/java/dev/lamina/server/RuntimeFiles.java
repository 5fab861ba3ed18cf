package dev.lamina.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Lays out the runtimes' own files in one folder, which instances see at /var/runtime: the Python and Node.js
 * bootstraps (resources of the engine), and the Java runtime interface client's jars (next to the server's jar, put
 * there by the build).
 */
final class RuntimeFiles {

    private static final String RESOURCES = "lamina/runtimes";

    private RuntimeFiles() {}

    static Path prepare(Path target) {
        try {
            Path staging = Files.createDirectories(target.getParent()).resolve(target.getFileName() + ".new");
            deleteTree(staging);
            Files.createDirectories(staging);
            copyResources(staging);
            copyJavaRuntime(Files.createDirectories(staging.resolve("java")));
            deleteTree(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            try (Stream<Path> all = Files.walk(target)) {
                for (Path p : all.toList()) {
                    Files.setPosixFilePermissions(
                            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the runtimes in " + target, e);
        }
    }

    private static void copyResources(Path staging) throws IOException {
        var url = RuntimeFiles.class.getClassLoader().getResource(RESOURCES);
        if (url == null) {
            throw new IOException("the runtime bootstraps are missing from the class path");
        }
        try {
            if (url.getProtocol().equals("jar")) {
                try (FileSystem fs = FileSystems.newFileSystem(url.toURI(), Map.of())) {
                    copyTree(fs.getPath(RESOURCES), staging);
                }
            } else {
                copyTree(Path.of(url.toURI()), staging);
            }
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    try (InputStream in = Files.newInputStream(p)) {
                        Files.copy(in, dest, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    /**
     * The Java runtime client, collected by the runtime-java module: beside the server's jar in a distribution
     * ({@code runtimes/java}), or in that module's target folder when running from the source tree. Without it,
     * Java functions fail to start with a clear error in their log.
     */
    private static void copyJavaRuntime(Path to) throws IOException {
        Path dist = javaRuntimeDistribution();
        if (dist == null) {
            return;
        }
        try (Stream<Path> jars = Files.list(dist)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, to.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static Path javaRuntimeDistribution() {
        List<Path> candidates = new java.util.ArrayList<>();
        String env = System.getenv("LAMINA_JAVA_RUNTIME_DIR");
        if (env != null) {
            candidates.add(Path.of(env));
        }
        String property = System.getProperty("lamina.javaRuntimeDir");
        if (property != null) {
            candidates.add(Path.of(property));
        }
        try {
            Path code = Path.of(RuntimeFiles.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            candidates.add(code.resolveSibling("runtimes/java"));
            Path moduleRoot = code.getParent().getParent(); // server/target/classes or server/target/x.jar → server
            candidates.add(moduleRoot.resolveSibling("runtime-java/target/java"));
        } catch (URISyntaxException | RuntimeException e) {
            // no code source: only the environment variable can tell
        }
        return candidates.stream().filter(Files::isDirectory).findFirst().orElse(null);
    }

    /** Removes a folder and what it holds, if it exists. */
    static void clear(Path root) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
