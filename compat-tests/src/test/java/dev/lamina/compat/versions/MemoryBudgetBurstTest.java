package dev.lamina.compat.versions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.server.LaminaServer;
import dev.lamina.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's memory budget under a burst of many functions at once: running instances never take more than the
 * budget, every caller gets a result or a 429, and the server stays healthy.
 */
class MemoryBudgetBurstTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path data;

    private static String createBody(String name) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("lambda_function.py"));
            zip.write("import time\ndef handler(e, c):\n    time.sleep(0.3)\n    return 'ok'\n"
                    .getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return """
                {"FunctionName":"%s","Runtime":"python3.12","Handler":"lambda_function.handler","MemorySize":128,
                 "Role":"arn:aws:iam::000000000000:role/r","Code":{"ZipFile":"%s"}}""".formatted(name, Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }

    private static HttpResponse<String> post(URI uri, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_burst_of_many_functions_never_takes_more_than_the_budget() throws Exception {
        try (LaminaServer server =
                LaminaServer.start(ServerConfig.forTests(data).withMemoryBudgetMb(512))) {
            URI base = server.endpoint();
            int functions = 12;
            for (int i = 0; i < functions; i++) {
                assertThat(post(base.resolve("/2015-03-31/functions"), createBody("burst" + i))
                                .statusCode())
                        .isEqualTo(201);
            }
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong highest = new AtomicLong();
            AtomicLong readings = new AtomicLong();
            Thread watcher = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        String health = HTTP.send(
                                        HttpRequest.newBuilder(base.resolve("/_lamina/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
                        long used = Long.parseLong(health.replaceAll(".*\"memoryInUseMb\":(\\d+).*", "$1"));
                        highest.accumulateAndGet(used, Math::max);
                        readings.incrementAndGet();
                    } catch (Exception e) {
                        readings.set(Long.MIN_VALUE); // a failed reading fails the test
                        return;
                    }
                }
            });
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < functions; i++) {
                        URI invoke = base.resolve("/2015-03-31/functions/burst" + i + "/invocations");
                        calls.add(CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return post(invoke, "{}");
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                },
                                pool));
                    }
                }
            }
            running.set(false);
            watcher.join();
            int ok = 0;
            int throttled = 0;
            for (var call : calls) {
                HttpResponse<String> r = call.join();
                assertThat(r.statusCode()).isIn(200, 429);
                if (r.statusCode() == 200) {
                    assertThat(r.body()).isEqualTo("\"ok\"");
                    ok++;
                } else {
                    assertThat(r.headers().firstValue("x-amzn-ErrorType")).contains("TooManyRequestsException");
                    throttled++;
                }
            }
            assertThat(ok).isPositive();
            assertThat(throttled)
                    .as("more functions than the budget holds at once")
                    .isPositive();
            assertThat(readings.get())
                    .as("health readings taken during the burst")
                    .isPositive();
            assertThat(highest.get())
                    .as("memory in use at its highest")
                    .isPositive()
                    .isLessThanOrEqualTo(512);
            // healthy afterwards: every function still answers, idle instances making room as needed
            for (int i = 0; i < functions; i++) {
                assertThat(post(base.resolve("/2015-03-31/functions/burst" + i + "/invocations"), "{}")
                                .body())
                        .isEqualTo("\"ok\"");
            }
        }
    }
}
