package dev.lamina.engine.invoke;

import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.model.FunctionDeployment;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * What Java instances need in the engine's tests: a JDK of this host, the real runtime interface client (from the
 * test class path) laid out as the server does, and a small function compiled at test time ({@code example.Hello},
 * the same handler as in examples/java).
 */
final class JavaFunctions {

    static final String RUNTIME = "java25";
    static final String HANDLER = "example.Hello::handleRequest";

    private static final String HELLO = """
            package example;

            import com.amazonaws.services.lambda.runtime.Context;
            import com.amazonaws.services.lambda.runtime.RequestHandler;

            public class Hello implements RequestHandler<Hello.Request, Hello.Response> {

                @Override
                public Response handleRequest(Request input, Context context) {
                    String name = input == null || input.getName() == null ? "world" : input.getName();
                    System.out.println("hello from the handler");
                    return new Response("Hello, " + name + "!");
                }

                public static class Request {
                    private String name;
                    public String getName() { return name; }
                    public void setName(String name) { this.name = name; }
                }

                public static class Response {
                    private String message;
                    public Response() {}
                    public Response(String message) { this.message = message; }
                    public String getMessage() { return message; }
                    public void setMessage(String message) { this.message = message; }
                }
            }
            """;

    private JavaFunctions() {}

    /** The java executable that serves {@link #RUNTIME} here, if any. */
    static Optional<Path> java() {
        return Runtimes.discover(Map.of()).interpreter(RUNTIME);
    }

    /** The major version of a java executable's JDK (0 when unknown). */
    static int major(Path java) {
        try {
            Path home = java.toRealPath().getParent().getParent();
            Properties p = new Properties();
            try (var reader = Files.newBufferedReader(home.resolve("release"))) {
                p.load(reader);
            }
            return Integer.parseInt(
                    p.getProperty("JAVA_VERSION", "0").replace("\"", "").split("[.\\-+]")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Copies the runtime interface client and its dependencies into {@code <runtimeDirectory>/java}. */
    static void layOutRuntime(Path runtimeDirectory) throws IOException {
        Path target = Files.createDirectories(runtimeDirectory.resolve("java"));
        for (Path jar : runtimeJars()) {
            Files.copy(jar, target.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The jars of the runtime interface client on the test class path (see engine/pom.xml). */
    static List<Path> runtimeJars() {
        List<Path> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String normalized = entry.replace('\\', '/');
            if (normalized.endsWith(".jar")
                    && (normalized.contains("/com/amazonaws/aws-lambda-java-")
                            || normalized.contains("/software/amazon/awssdk/"))) {
                jars.add(Path.of(entry));
            }
        }
        return jars;
    }

    /** Compiles {@code example.Hello} into {@code code} (a folder named as the code's digest, as the store does). */
    static void compileHello(Path code) throws IOException {
        Path src = Files.createDirectories(code.resolveSibling(code.getFileName() + "-src/example"));
        Path source = src.resolve("Hello.java");
        Files.writeString(source, HELLO, StandardCharsets.UTF_8);
        Files.createDirectories(code);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        String classPath = String.join(
                File.pathSeparator, runtimeJars().stream().map(Path::toString).toList());
        int status = compiler.run(
                null, null, null, "--release", "17", "-cp", classPath, "-d", code.toString(), source.toString());
        if (status != 0) {
            throw new IOException("cannot compile " + source);
        }
    }

    static FunctionDeployment deployment(String name, Path code, String revision) {
        return new FunctionDeployment(
                name,
                "$LATEST",
                "arn:aws:lambda:us-east-1:000000000000:function:" + name,
                RUNTIME,
                HANDLER,
                512,
                10,
                Map.of(),
                code,
                revision);
    }
}
