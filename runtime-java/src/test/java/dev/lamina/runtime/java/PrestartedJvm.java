package dev.lamina.runtime.java;

import dev.lamina.engine.runtime.HandOver;
import dev.lamina.engine.runtime.JavaPrestart;
import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.engine.runtimeapi.Response;
import dev.lamina.engine.runtimeapi.RuntimeApi;
import dev.lamina.engine.runtimeapi.RuntimeApiServer;
import dev.lamina.engine.runtimeapi.WaitingNext;
import dev.lamina.engine.sandbox.BubblewrapSandbox;
import dev.lamina.engine.sandbox.SandboxPaths;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.tools.ToolProvider;

/**
 * One pre-started JVM of the tests, started as the engine will start it ({@link JavaPrestart}) as a plain process or
 * under bubblewrap with Lamina's layout ({@code /var/task} bound read-only from a folder filled after the start), and
 * served by the engine's {@link RuntimeApiServer}.
 */
final class PrestartedJvm implements AutoCloseable {

    /** One invocation's answer, as the Runtime API received it. */
    record Answer(String kind, String body) {}

    /** A Runtime API that hands out the invocations it is given and records the answers. */
    static final class Api implements RuntimeApi {
        final SynchronousQueue<String> events = new SynchronousQueue<>();
        final LinkedBlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
        volatile long nextNanos;

        @Override
        public Response next(WaitingNext waiting) {
            nextNanos = System.nanoTime();
            try {
                String event = events.take();
                return new Response(
                        200,
                        "application/json",
                        event.getBytes(StandardCharsets.UTF_8),
                        "Lambda-Runtime-Aws-Request-Id",
                        "request-1",
                        "Lambda-Runtime-Deadline-Ms",
                        Long.toString(System.currentTimeMillis() + 30_000),
                        "Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:us-east-1:000000000000:function:f");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Response.json(500, "{}");
            }
        }

        @Override
        public Response response(String requestId, byte[] body) {
            answers.offer(new Answer("response", new String(body, StandardCharsets.UTF_8)));
            return Response.accepted();
        }

        @Override
        public Response error(String requestId, String errorType, byte[] body) {
            answers.offer(new Answer("error " + errorType, new String(body, StandardCharsets.UTF_8)));
            return Response.accepted();
        }

        @Override
        public Response responseTooLarge(String requestId) {
            return Response.accepted();
        }

        @Override
        public Response initError(String errorType, byte[] body) {
            answers.offer(new Answer("init error " + errorType, new String(body, StandardCharsets.UTF_8)));
            return Response.accepted();
        }
    }

    final Api api = new Api();
    final RuntimeApiServer server;
    final Process process;
    final Path task;
    final Path log;
    final SandboxPaths paths;

    /**
     * Starts a pre-started JVM.
     *
     * @param work an empty folder for its task root, /tmp and log
     * @param cache the generic cache's host folder, or null
     */
    PrestartedJvm(JavaPrestart prestart, Path runtime, Path work, boolean bubblewrap, Path cache, int memory)
            throws IOException {
        task = Files.createDirectories(work.resolve("task"));
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        log = work.resolve("log");
        server = new RuntimeApiServer(api);
        paths = bubblewrap
                ? new SandboxPaths("/var/task", "/var/runtime", cache != null ? "/var/lamina/cache" : null)
                : new SandboxPaths(task.toString(), runtime.toString(), cache != null ? cache.toString() : null);
        List<String> command = new ArrayList<>();
        if (bubblewrap) {
            command.addAll(BubblewrapSandbox.hostView(BubblewrapSandbox.find()));
            Path jdk = Path.of(prestart.command(memory, paths, false).getFirst())
                    .toRealPath()
                    .getParent()
                    .getParent();
            if (!jdk.startsWith("/usr")) {
                command.addAll(List.of("--ro-bind", jdk.toString(), jdk.toString()));
            }
            command.addAll(List.of(
                    "--ro-bind",
                    task.toString(),
                    "/var/task",
                    "--ro-bind",
                    runtime.toString(),
                    "/var/runtime",
                    "--bind",
                    tmp.toString(),
                    "/tmp"));
            if (cache != null) {
                command.addAll(List.of("--ro-bind", cache.toString(), "/var/lamina/cache"));
            }
            command.addAll(List.of("--chdir", "/var/task", "--"));
        }
        command.addAll(prestart.command(memory, paths, cache != null));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(task.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(JavaPrestart.environment(paths, server.address()));
        if (!bubblewrap) {
            builder.environment().put("TMPDIR", tmp.toString());
        }
        process = builder.start();
    }

    /** The environment Lamina gives a function (as LaunchPlans.environment), with its own {@code user} variables. */
    Map<String, String> functionEnvironment(String handler, Map<String, String> user) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put(
                "LD_LIBRARY_PATH",
                "/lib64:/usr/lib64:" + paths.runtimeDir() + ":" + paths.runtimeDir() + "/lib:" + paths.taskRoot() + ":"
                        + paths.taskRoot() + "/lib:/opt/lib");
        env.put("AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR");
        env.putAll(user);
        env.put("_HANDLER", handler);
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "prestarted");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/prestarted");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/03/[$LATEST]0123456789abcdef");
        env.put("AWS_LAMBDA_RUNTIME_API", server.address());
        env.put("LAMBDA_TASK_ROOT", paths.taskRoot());
        env.put("LAMBDA_RUNTIME_DIR", paths.runtimeDir());
        env.put("TZ", ":UTC");
        env.put("AWS_ACCESS_KEY_ID", "LAMINAACCESSKEYID");
        env.put("AWS_SECRET_ACCESS_KEY", "lamina-secret-access-key");
        env.put("AWS_SESSION_TOKEN", "lamina-session-token");
        return env;
    }

    /** Writes the assignment and closes the JVM's input: the hand-over. Returns {@link System#nanoTime} before it. */
    long handOver(Map<String, String> environment) throws IOException {
        byte[] assignment = HandOver.environmentEntries(environment);
        long start = System.nanoTime();
        try (OutputStream in = process.getOutputStream()) {
            in.write(assignment);
        }
        return start;
    }

    /** Gives the JVM one invocation and waits for its answer. */
    Answer invoke(String event, Duration timeout) throws InterruptedException, IOException {
        if (!api.events.offer(event, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            Answer early = api.answers.poll();
            throw new IllegalStateException("no /next (" + (early != null ? early : "nothing") + "); log:\n" + log());
        }
        Answer answer = api.answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (answer == null) {
            throw new IllegalStateException("no answer; log:\n" + log());
        }
        return answer;
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The pid of the JVM itself (bubblewrap's grandchild). */
    long javaPid() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .reduce((first, second) -> second)
                .orElseThrow()
                .pid();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
    }

    // --- what the tests need around it ---

    /** The java executables of this host that serve {@code ids} and can be pre-started, one per JDK. */
    static List<Path> javas(String... ids) {
        Runtimes runtimes = Runtimes.discover(Map.of());
        List<Path> javas = new ArrayList<>();
        for (String id : ids) {
            runtimes.interpreter(id)
                    .filter(java -> JavaPrestart.forJava(java).isPresent())
                    .filter(java -> javas.stream().noneMatch(j -> same(j, java)))
                    .ifPresent(javas::add);
        }
        return javas;
    }

    private static boolean same(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return a.equals(b);
        }
    }

    /**
     * Lays out a runtime directory as runtime-java's target/java: the client's jars from the test class path and
     * lamina-prestart.jar made of this module's classes.
     */
    static void layOutRuntime(Path runtime) throws IOException {
        Files.createDirectories(runtime);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String normalized = entry.replace('\\', '/');
            if (normalized.endsWith(".jar")
                    && (normalized.contains("/com/amazonaws/aws-lambda-java-")
                            || normalized.contains("/software/amazon/awssdk/"))
                    && !normalized.contains("aws-lambda-java-events")) {
                Path jar = Path.of(entry);
                Files.copy(jar, runtime.resolve(jar.getFileName()));
            }
        }
        Path classes;
        try {
            classes = Path.of(Prestart.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        if (Files.isRegularFile(classes)) {
            Files.copy(classes, runtime.resolve("lamina-prestart.jar"));
            return;
        }
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(runtime.resolve("lamina-prestart.jar")));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, jar);
                jar.closeEntry();
            }
        }
    }

    /** examples/java's deployment package (built by the reactor before this module's tests). */
    static Path examplesZip() {
        return Path.of("../examples/java/target/java-functions.zip")
                .toAbsolutePath()
                .normalize();
    }

    static void unzip(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = into.resolve(e.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("bad entry " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
    }

    /** Compiles {@code source} (class {@code name}) for Java 17 against the client's jars into {@code into}. */
    static void compile(String name, String source, Path runtime, Path into) throws IOException {
        Path src = Files.createTempDirectory("prestart-src");
        try {
            Path file = src.resolve(name.substring(name.lastIndexOf('.') + 1) + ".java");
            Files.writeString(file, source);
            String classPath;
            try (Stream<Path> jars = Files.list(runtime)) {
                classPath =
                        String.join(File.pathSeparator, jars.map(Path::toString).toList());
            }
            int status = ToolProvider.getSystemJavaCompiler()
                    .run(
                            InputStream.nullInputStream(),
                            null,
                            null,
                            "--release",
                            "17",
                            "-cp",
                            classPath,
                            "-d",
                            into.toString(),
                            file.toString());
            if (status != 0) {
                throw new IOException("cannot compile " + name);
            }
        } finally {
            try (Stream<Path> p = Files.walk(src)) {
                p.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
