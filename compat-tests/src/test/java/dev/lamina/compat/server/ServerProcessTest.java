package dev.lamina.compat.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a user runs it: a separate process started from the built jar. Checks that a kill -9 loses nothing
 * and leaves no instance behind, and that SIGTERM stops it cleanly.
 */
class ServerProcessTest {

    private static final Path JAR = Path.of("..", "server", "target", "lamina-server.jar")
            .toAbsolutePath()
            .normalize();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path data;

    private Process server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    private URI start() throws Exception {
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
        CompletableFuture<URI> endpoint = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    int at = line.indexOf("serving the AWS Lambda API at ");
                    if (at >= 0) {
                        return URI.create(line.substring(at + "serving the AWS Lambda API at ".length())
                                .trim());
                    }
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            throw new IllegalStateException("the server stopped before serving");
        });
        URI uri = endpoint.get(60, TimeUnit.SECONDS);
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {})); // keep draining its output
        HttpResponse<String> health = get(uri, "/_lamina/health");
        assertThat(health.statusCode()).isEqualTo(200);
        return uri;
    }

    private static HttpResponse<String> get(URI base, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(URI base, String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String echoFunction(String name) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("lambda_function.py"));
            zip.write("def handler(event, context):\n    return event\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return """
                {"FunctionName":"%s","Runtime":"python3.12","Handler":"lambda_function.handler",
                 "Role":"arn:aws:iam::000000000000:role/r","Code":{"ZipFile":"%s"}}""".formatted(name, Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }

    private static List<ProcessHandle> instancesOf(Path dataDir) {
        String marker = dataDir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .commandLine()
                        .map(c -> c.contains(marker) && !c.contains("-jar"))
                        .orElse(false))
                .toList();
    }

    @Test
    void a_kill_9_loses_no_function_and_leaves_no_instance_running() throws Exception {
        URI uri = start();
        assertThat(post(uri, "/2015-03-31/functions", echoFunction("survivor")).statusCode())
                .isEqualTo(201);
        assertThat(post(uri, "/2015-03-31/functions/survivor/invocations", "{\"n\":1}")
                        .body())
                .isEqualTo("{\"n\": 1}");
        assertThat(instancesOf(data)).isNotEmpty();
        List<Path> before = instanceFolders();
        assertThat(before).isNotEmpty();

        server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!instancesOf(data).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(instancesOf(data)).as("instances outliving a killed server").isEmpty();

        URI again = start();
        assertThat(get(again, "/2015-03-31/functions/survivor").statusCode()).isEqualTo(200);
        assertThat(post(again, "/2015-03-31/functions/survivor/invocations", "{\"n\":2}")
                        .body())
                .isEqualTo("{\"n\": 2}");
        // The new server has folders of its own (its instance, and runtimes it starts ahead), none of the old ones.
        assertThat(instanceFolders())
                .as("the killed server's instance folders were cleared")
                .isNotEmpty()
                .doesNotContainAnyElementsOf(before);
    }

    private List<Path> instanceFolders() throws IOException {
        try (Stream<Path> folders = Files.list(data.resolve("instances"))) {
            return folders.filter(Files::isDirectory).toList();
        }
    }

    @Test
    void sigterm_stops_the_server_and_its_instances_and_the_store_reopens() throws Exception {
        URI uri = start();
        assertThat(post(uri, "/2015-03-31/functions", echoFunction("graceful")).statusCode())
                .isEqualTo(201);
        assertThat(post(uri, "/2015-03-31/functions/graceful/invocations", "{}").statusCode())
                .isEqualTo(200);

        server.destroy(); // SIGTERM
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(instancesOf(data)).isEmpty();

        URI again = start();
        assertThat(get(again, "/2015-03-31/functions").body()).contains("\"FunctionName\":\"graceful\"");
    }
}
