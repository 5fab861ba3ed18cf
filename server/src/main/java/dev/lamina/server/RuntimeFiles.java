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
    private static final List<String> JAVA_ARTIFACTS = List.of(
            "com/amazonaws/aws-lambda-java-runtime-interface-client/2.10.1/aws-lambda-java-runtime-interface-client-2.10.1.jar",
            "com/amazonaws/aws-lambda-java-core/1.4.0/aws-lambda-java-core-1.4.0.jar",
            "com/amazonaws/aws-lambda-java-serialization/1.4.1/aws-lambda-java-serialization-1.4.1.jar");

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
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                            Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
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

    /** The Java runtime client: beside the server's jar ({@code runtimes/java}), else in the local Maven repository. */
    private static void copyJavaRuntime(Path to) throws IOException {
        Path dist = javaRuntimeDistribution();
        if (dist != null) {
            try (Stream<Path> jars = Files.list(dist)) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                    Files.copy(jar, to.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return;
        }
        Path repo = Path.of(System.getProperty("user.home"), ".m2", "repository");
        for (String artifact : JAVA_ARTIFACTS) {
            Path jar = repo.resolve(artifact);
            if (Files.exists(jar)) {
                Files.copy(jar, to.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static Path javaRuntimeDistribution() {
        String env = System.getenv("LAMINA_JAVA_RUNTIME_DIR");
        if (env != null && Files.isDirectory(Path.of(env))) {
            return Path.of(env);
        }
        try {
            Path code = Path.of(RuntimeFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path candidate = code.getParent().resolve("runtimes/java");
            return Files.isDirectory(candidate) ? candidate : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
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
