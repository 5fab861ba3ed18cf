package dev.lamina.compat.async;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.lamina.compat.Fixtures;
import dev.lamina.compat.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * At least once, through a kill -9: the server runs as a user runs it (its own process, from the built jar); events
 * for a slow function are accepted from many clients while earlier ones run; the server is killed with SIGKILL in the
 * middle of it all and started again on the same data directory. Every event that got its 202 must then run at least
 * once. The function reports each run to a collector in this test (not through Lamina's logs, which are written
 * behind the runs), so runs that happened before the kill count too; the test reports events that ran twice.
 */
class AsyncKillTest {

    private static final Path JAR = Path.of("..", "server", "target", "lamina-server.jar")
            .toAbsolutePath()
            .normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    static final String REPORTING = """
            import json, os, time, urllib.request
            def handler(event, context):
                time.sleep(0.2)
                body = json.dumps({"n": event["n"], "id": context.aws_request_id}).encode()
                request = urllib.request.Request(os.environ["COLLECTOR"], data=body, method="POST")
                urllib.request.urlopen(request, timeout=30).read()
                return "reported"
            """;

    @TempDir
    Path data;

    private Process server;
    private HttpServer collector;

    /** event number → the request ids of its runs, one per run. */
    private final Map<Integer, List<String>> runs = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
        if (collector != null) {
            collector.stop(0);
        }
    }

    private URI startServer() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        server = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        JAR.toString(),
                        "serve",
                        "--port",
                        "0",
                        "--data-dir",
                        data.toString())
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String marker = "Lamina is serving the AWS Lambda API at ";
        CompletableFuture<URI> endpoint = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    int at = line.indexOf(marker);
                    if (at >= 0) {
                        return URI.create(line.substring(at + marker.length()).trim());
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("the server stopped before serving");
        });
        URI uri = endpoint.get(60, TimeUnit.SECONDS);
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {})); // keep draining its output
        return uri;
    }

    private static HttpResponse<String> send(URI base, String method, String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .header("X-Amz-Invocation-Type", "Event")
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void startCollector() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            JsonNode run = Json.parse(exchange.getRequestBody().readAllBytes());
            runs.computeIfAbsent(run.path("n").asInt(), n -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(run.path("id").asString());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        collector.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        collector.start();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // a guard against a hang, not a performance assertion
    void every_accepted_event_runs_at_least_once_after_a_kill_9() throws Exception {
        startCollector();
        URI first = startServer();
        String create = Json.write(Map.of(
                "FunctionName",
                "reporter",
                "Runtime",
                Fixtures.PYTHON,
                "Handler",
                Fixtures.PY_HANDLER,
                "Role",
                Fixtures.ROLE,
                "Timeout",
                60,
                "Environment",
                Map.of(
                        "Variables",
                        Map.of(
                                "COLLECTOR",
                                "http://127.0.0.1:" + collector.getAddress().getPort() + "/")),
                "Code",
                Map.of("ZipFile", Base64.getEncoder().encodeToString(AsyncSupport.python(REPORTING)))));
        assertThat(HTTP.send(
                                HttpRequest.newBuilder(first.resolve("/2015-03-31/functions"))
                                        .POST(HttpRequest.BodyPublishers.ofString(create))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(201);

        // accept events from 16 clients, and kill the server while they are still sending and the function runs
        Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        Map<Integer, String> acceptedIds = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (sending.get()) {
                    int n = next.getAndIncrement();
                    try {
                        HttpResponse<String> r =
                                send(first, "POST", "/2015-03-31/functions/reporter/invocations", "{\"n\":" + n + "}");
                        if (r.statusCode() == 202) {
                            accepted.add(n);
                            r.headers().firstValue("x-amzn-RequestId").ifPresent(id -> acceptedIds.put(n, id));
                        }
                    } catch (Exception e) {
                        // the server was killed under this request: it was not acknowledged
                        return;
                    }
                }
            }));
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while ((accepted.size() < 300 || runs.size() < 20) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(accepted.size()).as("events accepted before the kill").isGreaterThanOrEqualTo(300);
        assertThat(runs).as("events run before the kill").isNotEmpty();
        server.destroyForcibly(); // SIGKILL: accepts, claims and attempts in flight
        server.waitFor(30, TimeUnit.SECONDS);
        sending.set(false);
        for (Thread t : clients) {
            t.join(Duration.ofSeconds(60));
        }
        int ranBeforeRestart = runs.size();
        int acceptedTotal = accepted.size();

        URI second = startServer();
        long until = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!runs.keySet().containsAll(accepted) && System.nanoTime() < until) {
            Thread.sleep(50);
        }

        List<Integer> missing =
                accepted.stream().filter(n -> !runs.containsKey(n)).sorted().toList();
        Map<Integer, Integer> duplicates = new TreeMap<>();
        runs.forEach((n, ids) -> {
            if (ids.size() > 1) {
                duplicates.put(n, ids.size());
            }
        });
        System.out.printf(
                "AsyncKillTest: %d events accepted before the kill, %d had run by then; after the restart %d of them"
                        + " ran; %d ran more than once (at least once: the kill interrupted them or came before their"
                        + " outcome was recorded): %s%n",
                acceptedTotal, ranBeforeRestart, accepted.size() - missing.size(), duplicates.size(), duplicates);
        assertThat(missing).as("accepted events that never ran").isEmpty();
        for (Integer n : accepted) {
            assertThat(runs.get(n))
                    .as("event %d ran with the request id of its 202", n)
                    .contains(acceptedIds.get(n));
        }
        HttpResponse<String> stats = HTTP.send(
                HttpRequest.newBuilder(second.resolve("/_lamina/events/reporter"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(Json.parse(stats.body()).path("Failed").asInt()).isZero();
    }
}
