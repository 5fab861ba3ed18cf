package dev.lamina.compat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/** Test functions under {@code src/test/resources/functions} and the examples/java zip. */
public final class Fixtures {

    public static final String ROLE = "arn:aws:iam::000000000000:role/lambda-role";
    public static final String PYTHON = "python3.12";
    public static final String NODE = "nodejs20.x";
    public static final String JAVA = "java21";
    public static final String PROVIDED = "provided.al2023";
    public static final String PY_HANDLER = "lambda_function.handler";
    public static final String NODE_HANDLER = "index.handler";

    private Fixtures() {}

    /** The folder of a fixture, e.g. {@code dir("python/echo")}. */
    public static Path dir(String fixture) {
        URL url = Fixtures.class.getResource("/functions/" + fixture);
        if (url == null) {
            throw new IllegalStateException("no fixture functions/" + fixture + " on the test class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The zipped fixture, e.g. {@code zip("nodejs/echo")}. */
    public static byte[] zip(String fixture) {
        return Zips.zip(dir(fixture));
    }

    public static byte[] python(String name) {
        return zip("python/" + name);
    }

    public static byte[] node(String name) {
        return zip("nodejs/" + name);
    }

    public static byte[] provided(String name) {
        return zip("provided/" + name);
    }

    /** A file under src/test/resources, e.g. {@code resource("scripts/boto3_e2e.py")}. */
    public static Path resource(String path) {
        URL url = Fixtures.class.getResource("/" + path);
        if (url == null) {
            throw new IllegalStateException("no resource " + path);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * examples/java/target/java-functions.zip, built by the examples/java module's package phase
     * (override with -Dlamina.javaFunctionsZip=...).
     */
    public static byte[] javaFunctions() {
        String override = System.getProperty("lamina.javaFunctionsZip");
        Path zip = override != null ? Path.of(override) : locateJavaZip();
        try {
            return Files.readAllBytes(zip);
        } catch (IOException e) {
            throw new UncheckedIOException("read " + zip + " (build it with ./mvnw -pl examples/java package)", e);
        }
    }

    private static byte[] release8;

    /**
     * A package with {@code legacy.Hello} (functions/java-release8), compiled now with {@code --release 8} so that
     * every Java runtime (java8.al2 … java25) can load it.
     */
    public static synchronized byte[] javaRelease8() {
        if (release8 != null) {
            return release8;
        }
        try {
            Path classes = Files.createTempDirectory("lamina-java-release8-");
            Path core = Path.of(com.amazonaws.services.lambda.runtime.RequestHandler.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            List<String> args = new ArrayList<>(
                    List.of("--release", "8", "-Xlint:-options", "-cp", core.toString(), "-d", classes.toString()));
            try (Stream<Path> sources = Files.walk(dir("java-release8/src"))) {
                sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
            }
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int rc = ToolProvider.getSystemJavaCompiler().run(null, errors, errors, args.toArray(String[]::new));
            if (rc != 0) {
                throw new IllegalStateException("javac --release 8 failed:\n" + errors);
            }
            release8 = Zips.zip(classes);
            try (Stream<Path> files = Files.walk(classes)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
            return release8;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path locateJavaZip() {
        Path rel = Path.of("examples", "java", "target", "java-functions.zip");
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(rel))) {
                return dir.resolve(rel);
            }
        }
        throw new IllegalStateException("no " + rel + " above " + Path.of("").toAbsolutePath()
                + "; build it with ./mvnw -pl examples/java package");
    }
}
