package dev.lamina.async;

import dev.lamina.store.EventStore;
import dev.lamina.store.StoredEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A benchmark, not a test: how many asynchronous events are accepted per second with every event durable (committed
 * with synchronous FULL) before it is acknowledged, and how long an acknowledgement takes. Not part of the test suite;
 * see docs/benchmarks-async.md for how to run it and the figures measured.
 *
 * <pre>
 * queue [clients] [seconds] [payloadBytes]
 *     the group-commit writer in this process, on a temporary events.db: many clients accept events at once; the
 *     latency is from the call to the durable acknowledgement
 * http ENDPOINT [clients] [seconds] [payloadBytes] [run|norun]
 *     a running server (./lamina serve): Event invokes over HTTP/1.1 keep-alive, the latency is the 202's; "norun"
 *     (the default) gives the function reserved concurrency 0, so every event is accepted, claimed and recorded as
 *     failed without starting a process, which measures the queue and not the function; "run" lets it run
 * </pre>
 */
public final class AsyncAcceptBenchmark {

    private AsyncAcceptBenchmark() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "queue";
        switch (mode) {
            case "queue" -> queue(intArg(args, 1, 64), intArg(args, 2, 10), intArg(args, 3, 512));
            case "http" ->
                http(
                        URI.create(args[1]),
                        intArg(args, 2, 64),
                        intArg(args, 3, 10),
                        intArg(args, 4, 512),
                        args.length > 5 && args[5].equals("run"));
            default -> {
                System.err.println("usage: AsyncAcceptBenchmark queue [clients] [seconds] [payloadBytes]\n"
                        + "       AsyncAcceptBenchmark http ENDPOINT [clients] [seconds] [payloadBytes] [run|norun]");
                System.exit(2);
            }
        }
    }

    private static int intArg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    private static byte[] payload(int size, long n) {
        String head = "{\"n\":" + n + ",\"pad\":\"";
        int pad = Math.max(0, size - head.length() - 2);
        return (head + "x".repeat(pad) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** Runs {@code clients} loops of {@code accept} for a warm-up and then {@code seconds}; prints the figures. */
    private static void run(
            String what, int clients, int seconds, Acceptor accept, Runnable afterWarmUp, Runnable report)
            throws Exception {
        measure(clients, Math.max(2, seconds / 3), accept); // warm-up (JIT, page cache, WAL)
        afterWarmUp.run();
        Result r = measure(clients, seconds, accept);
        long[] lat = r.latenciesNanos();
        Arrays.sort(lat);
        System.out.printf(
                "%s: %d clients, %d s: %,d accepted, %,.0f accepted/s (durable before acknowledged); latency p50 %.2f ms,"
                        + " p90 %.2f ms, p99 %.2f ms, max %.2f ms; errors %d%n",
                what,
                clients,
                seconds,
                lat.length,
                lat.length / r.seconds(),
                pct(lat, 0.50),
                pct(lat, 0.90),
                pct(lat, 0.99),
                lat.length == 0 ? 0.0 : lat[lat.length - 1] / 1e6,
                r.errors());
        report.run();
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    @FunctionalInterface
    interface Acceptor {
        /** Accepts event number {@code n}; answers whether it was acknowledged. */
        boolean accept(long n) throws Exception;
    }

    record Result(long[] latenciesNanos, double seconds, long errors) {}

    private static Result measure(int clients, int seconds, Acceptor accept) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<long[]> perClient = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            long[] lat = new long[2_000_000 / clients + 1000];
            int[] count = new int[1];
            perClient.add(lat);
            counts.add(count);
            threads.add(Thread.ofVirtual().unstarted(() -> {
                while (running.get()) {
                    long t0 = System.nanoTime();
                    try {
                        if (accept.accept(next.getAndIncrement()) && count[0] < lat.length) {
                            lat[count[0]++] = System.nanoTime() - t0;
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        Thread.sleep(Duration.ofSeconds(seconds));
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        int total = counts.stream().mapToInt(c -> c[0]).sum();
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(perClient.get(c), 0, all, at, counts.get(c)[0]);
            at += counts.get(c)[0];
        }
        return new Result(all, elapsed, errors.get());
    }

    private static void queue(int clients, int seconds, int payloadBytes) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("user.dir")), "async-bench-");
        try (QueueWriter writer = new QueueWriter(EventStore.open(dir))) {
            long[] before = new long[2];
            run(
                    "queue (in-process group-commit writer, " + payloadBytes + " B events, " + dir + ")",
                    clients,
                    seconds,
                    n -> {
                        byte[] body = payload(payloadBytes, n);
                        StoredEvent e = StoredEvent.accepted(
                                UUID.randomUUID().toString(),
                                "bench",
                                null,
                                "arn:aws:lambda:us-east-1:000000000000:function:bench",
                                body,
                                null,
                                System.currentTimeMillis());
                        writer.submit(store -> store.insert(e), body.length).join();
                        return true;
                    },
                    () -> {
                        before[0] = writer.commits();
                        before[1] = writer.committedWork();
                    },
                    () -> {
                        long commits = writer.commits() - before[0];
                        long work = writer.committedWork() - before[1];
                        System.out.printf(
                                "  %,d transactions (fsyncs) for %,d accepts: %.1f events per commit on average%n",
                                commits, work, work / (double) Math.max(1, commits));
                    });
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void http(URI endpoint, int clients, int seconds, int payloadBytes, boolean runFunction)
            throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        String function = "async-bench-" + (runFunction ? "run" : "norun");
        createFunction(client, endpoint, function, runFunction);
        URI invoke = endpoint.resolve("/2015-03-31/functions/" + function + "/invocations");
        run(
                "http (Event invoke → 202, " + payloadBytes + " B events, "
                        + (runFunction ? "the function runs them" : "reserved concurrency 0: queued and recorded only")
                        + ", " + endpoint + ")",
                clients,
                seconds,
                n -> {
                    HttpResponse<Void> r = client.send(
                            HttpRequest.newBuilder(invoke)
                                    .header("X-Amz-Invocation-Type", "Event")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(payload(payloadBytes, n)))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    return r.statusCode() == 202;
                },
                () -> {},
                () -> {
                    try {
                        HttpResponse<String> stats = client.send(
                                HttpRequest.newBuilder(endpoint.resolve("/_lamina/events/" + function))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        System.out.println("  the queue of " + function + " now: " + stats.body());
                    } catch (IOException | InterruptedException e) {
                        System.out.println("  (no stats: " + e + ")");
                    }
                });
    }

    private static void createFunction(HttpClient client, URI endpoint, String name, boolean run) throws Exception {
        client.send(
                HttpRequest.newBuilder(endpoint.resolve("/2015-03-31/functions/" + name))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(zip)) {
            z.putNextEntry(new java.util.zip.ZipEntry("lambda_function.py"));
            z.write("def handler(event, context):\n    return None\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        String body = "{\"FunctionName\":\"" + name + "\",\"Runtime\":\"python3.12\","
                + "\"Handler\":\"lambda_function.handler\",\"Role\":\"arn:aws:iam::000000000000:role/bench\","
                + "\"Code\":{\"ZipFile\":\"" + Base64.getEncoder().encodeToString(zip.toByteArray()) + "\"}}";
        HttpResponse<String> created = client.send(
                HttpRequest.newBuilder(endpoint.resolve("/2015-03-31/functions"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("CreateFunction: " + created.statusCode() + " " + created.body());
        }
        if (!run) {
            HttpResponse<String> reserved = client.send(
                    HttpRequest.newBuilder(endpoint.resolve("/2017-10-31/functions/" + name + "/concurrency"))
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"ReservedConcurrentExecutions\":0}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (reserved.statusCode() != 200) {
                throw new IllegalStateException(
                        "PutFunctionConcurrency: " + reserved.statusCode() + " " + reserved.body());
            }
        }
    }
}
