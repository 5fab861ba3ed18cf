package dev.lamina.compat.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.compat.HttpResult;
import dev.lamina.compat.Json;
import dev.lamina.compat.Lamina;
import dev.lamina.compat.Zips;
import dev.lamina.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * What the asynchronous invocation tests share: a server whose async delays are scaled down (a minute is 0.6 s), the
 * Event invoke, the queue's view through {@code /_lamina/events}, and functions written inline.
 */
final class AsyncSupport {

    /** 1 minute = 0.6 s; 6 hours = 216 s. */
    static final double SCALE = 0.01;

    /** Polls for asynchronous outcomes give up after this (a guard against a hang, never an expectation). */
    static final Duration DEADLINE = Duration.ofSeconds(90);

    static final String EVENT = "Event";

    private AsyncSupport() {}

    static Lamina start() {
        try {
            Path dir = Files.createTempDirectory("lamina-async-");
            return Lamina.start(ServerConfig.forTests(dir).withAsyncDelayScale(SCALE), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void stop(Lamina lamina) {
        if (lamina == null) {
            return;
        }
        lamina.close();
        try (Stream<Path> paths = Files.walk(lamina.dataDir())) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }

    static byte[] python(String source) {
        return Zips.builder().file("lambda_function.py", source).build();
    }

    static byte[] node(String source) {
        return Zips.builder().file("index.mjs", source).build();
    }

    /** Invoke with {@code X-Amz-Invocation-Type: Event}. */
    static HttpResult event(Lamina lamina, String function, String payload) {
        return event(lamina, function, payload.getBytes(StandardCharsets.UTF_8));
    }

    static HttpResult event(Lamina lamina, String function, byte[] payload) {
        return lamina.invoke(function, payload, Map.of("X-Amz-Invocation-Type", EVENT));
    }

    /** The queue's view of a function: Queued, Running, Failed and the counters. */
    static JsonNode stats(Lamina lamina, String function) {
        HttpResult r = lamina.get("/_lamina/events/" + URLEncoder.encode(function, StandardCharsets.UTF_8));
        assertThat(r.status()).as(r::toString).isEqualTo(200);
        return r.json();
    }

    static List<JsonNode> failed(Lamina lamina, String function) {
        HttpResult r = lamina.get("/_lamina/events/" + URLEncoder.encode(function, StandardCharsets.UTF_8) + "/failed");
        assertThat(r.status()).as(r::toString).isEqualTo(200);
        return Json.parse(r.body()).path("FailedEvents").valueStream().toList();
    }

    static <T> T await(String what, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        AtomicReference<T> last = new AtomicReference<>();
        while (true) {
            last.set(probe.get());
            if (done.test(last.get())) {
                return last.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + last.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits until the function's queue holds nothing queued or running, and answers its stats. */
    static JsonNode awaitSettled(Lamina lamina, String function) {
        return await(
                "the events of " + function + " to settle",
                () -> stats(lamina, function),
                s -> s.path("Queued").asLong() == 0 && s.path("Running").asLong() == 0);
    }

    /** Log lines of a function that start with {@code prefix}. */
    static List<String> lines(Lamina lamina, String function, String prefix) {
        return lamina.logs(function).stream().filter(l -> l.startsWith(prefix)).toList();
    }
}
