package dev.lamina.benchmarks.load;

import dev.lamina.benchmarks.net.HttpConnection;
import dev.lamina.benchmarks.net.MiniHttpServer;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;

/** The machine's floors: a bare loopback HTTP exchange, bare interpreter starts, bare interpreters' idle memory. */
final class Floors {

    static final byte[] REQUEST =
            "POST /2015-03-31/functions/f/invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}"
                    .getBytes(StandardCharsets.US_ASCII);

    private Floors() {}

    /** Latencies in nanoseconds of one keep-alive connection's round trips to the minimal server. */
    static Stats rawRoundTrip(MiniHttpServer server, int warmup, int samples) throws IOException {
        long[] ns = new long[samples];
        try (HttpConnection c = HttpConnection.connect(server.port())) {
            for (int i = 0; i < warmup; i++) {
                c.write(REQUEST);
                c.readMessage();
            }
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                c.write(REQUEST);
                c.readMessage();
                ns[i] = System.nanoTime() - t0;
            }
        }
        return Stats.of(ns, samples);
    }

    /** The same round trip through java.net.http.HttpClient (HTTP/1.1), the client the Lamina phases use. */
    static Stats clientRoundTrip(HttpClient client, MiniHttpServer server, int warmup, int samples)
            throws IOException, InterruptedException {
        HttpRequest request = request(server);
        long[] ns = new long[samples];
        for (int i = 0; i < warmup; i++) {
            client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            ns[i] = System.nanoTime() - t0;
        }
        return Stats.of(ns, samples);
    }

    static HttpRequest request(MiniHttpServer server) {
        return HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/2015-03-31/functions/f/invocations"))
                .POST(HttpRequest.BodyPublishers.ofByteArray("{}".getBytes(StandardCharsets.US_ASCII)))
                .build();
    }

    /** Requests per second with {@code connections} raw keep-alive connections, one thread each. */
    static Load.Throughput rawRequestsPerSecond(MiniHttpServer server, int connections, double seconds)
            throws Exception {
        List<HttpConnection> open = new ArrayList<>();
        try {
            Load.run(connections, Math.min(1, seconds), i -> rawOp(server, open)); // warm-up
            return Load.run(connections, seconds, i -> rawOp(server, open));
        } finally {
            open.forEach(HttpConnection::close);
        }
    }

    private static Load.Op rawOp(MiniHttpServer server, List<HttpConnection> open) throws IOException {
        HttpConnection c = HttpConnection.connect(server.port());
        synchronized (open) {
            open.add(c);
        }
        return () -> {
            c.write(REQUEST);
            return c.readMessage() && c.status() == 200;
        };
    }

    static Load.Throughput clientRequestsPerSecond(
            HttpClient client, MiniHttpServer server, int callers, double seconds) throws Exception {
        HttpRequest request = request(server);
        Load.OpFactory f = i -> () ->
                client.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200;
        Load.run(callers, Math.min(1, seconds), f);
        return Load.run(callers, seconds, f);
    }

    // ---- Interpreters --------------------------------------------------------------------------------------

    /** A bare start to time: a command run to completion with a clean environment, as Lamina starts instances. */
    record Start(String name, List<String> command) {}

    /** The hello world class for the bare JVM start, compiled here, and an idle class for its memory. */
    static Path javaClasses(Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("java-hello"));
        Files.writeString(
                dir.resolve("Hello.java"),
                "public class Hello { public static void main(String[] a) { System.out.println(\"hello\"); } }\n");
        Files.writeString(
                dir.resolve("Idle.java"),
                "public class Idle { public static void main(String[] a) throws Exception { Thread.sleep(Long.MAX_VALUE); } }\n");
        int rc = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-d",
                        dir.toString(),
                        dir.resolve("Hello.java").toString(),
                        dir.resolve("Idle.java").toString());
        if (rc != 0) {
            throw new IOException("cannot compile the Java hello world");
        }
        return dir;
    }

    static Path emptyScript(Path work) throws IOException {
        Path script = work.resolve("empty.sh");
        Files.writeString(script, "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** Milliseconds from spawn to exit. */
    static double timeStart(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        cleanEnvironment(b.environment());
        long t0 = System.nanoTime();
        Process p = b.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("did not finish: " + command);
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + ": " + command);
        }
        return ms;
    }

    /** USS in KiB of a bare interpreter left idle for {@code settleMillis}, and its command. */
    static long idleUssKb(List<String> command, Map<String, String> env, long settleMillis)
            throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        cleanEnvironment(b.environment());
        b.environment().putAll(env);
        Process p = b.start(); // stdin stays an open pipe: readers wait on it
        try {
            Thread.sleep(settleMillis);
            if (!p.isAlive()) {
                throw new IOException("exited early: " + command);
            }
            return ProcMem.treeUssKb(p.pid());
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** USS in KiB of a bare process and of an instance read at the same moment, and the instance's processes. */
    record Pair(long bareKb, long instanceKb, String instanceProcesses) {}

    /**
     * USS in KiB of a bare interpreter left idle for {@code settleMillis} and, at the same moment, of a Lamina
     * instance's process tree: measured together so that both share the pages of the same executables (USS counts
     * file pages that no other process maps, so a lone node process would count its 30 MB of text, and a node
     * beside another would not).
     */
    static Pair idlePair(List<String> command, Map<String, String> env, long settleMillis, long instanceRoot)
            throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        cleanEnvironment(b.environment());
        b.environment().putAll(env);
        Process p = b.start();
        try {
            Thread.sleep(settleMillis);
            if (!p.isAlive()) {
                throw new IOException("exited early: " + command);
            }
            return new Pair(
                    ProcMem.treeUssKb(p.pid()), ProcMem.treeUssKb(instanceRoot), ProcMem.treeDescription(instanceRoot));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A Runtime API that accepts connections and never answers: a custom runtime's bootstrap started against it
     * waits in its first {@code GET /next}, idle, as it waits inside Lamina between invocations.
     */
    static final class SilentServer implements AutoCloseable {
        private final java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final List<java.net.Socket> held = new ArrayList<>();

        SilentServer() throws IOException {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        java.net.Socket s = socket.accept();
                        synchronized (held) {
                            held.add(s);
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (held) {
                for (java.net.Socket s : held) {
                    s.close();
                }
            }
        }
    }

    private static void cleanEnvironment(Map<String, String> env) {
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "en_US.UTF-8");
    }
}
