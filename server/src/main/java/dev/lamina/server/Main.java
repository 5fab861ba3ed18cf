package dev.lamina.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;

/**
 * The {@code lamina} command.
 *
 * <pre>
 * lamina serve [--host H] [--port P] [--data-dir D] [--region R] [--account-id A] [--keep-alive SECONDS]
 *              [--runtime ID=/path/to/interpreter]...
 * lamina logs FUNCTION [--follow] [--endpoint URL]
 * lamina events failed FUNCTION [--endpoint URL]      the function's failed asynchronous events, with their errors
 * lamina events redrive [FUNCTION] [--endpoint URL]   queues failed events (of one function, or all) again
 * </pre>
 *
 * {@code --async-delay-scale X} (LAMINA_ASYNC_DELAY_SCALE) multiplies every delay of asynchronous invocation (the 1
 * and 2 minute retries, the throttle backoff, the maximum event age); 1 by default, as on AWS.
 *
 * Every serve option has an environment variable: LAMINA_HOST, LAMINA_PORT, LAMINA_DATA_DIR, LAMINA_REGION,
 * LAMINA_ACCOUNT_ID, LAMINA_KEEP_ALIVE_SECONDS, and LAMINA_RUNTIME_&lt;ID&gt; (such as LAMINA_RUNTIME_PYTHON3_12).
 * Options win over variables.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        Deque<String> rest = new ArrayDeque<>(List.of(args));
        String command = rest.isEmpty() ? "help" : rest.pop();
        switch (command) {
            case "serve" -> serve(rest);
            case "logs" -> logs(rest);
            case "events" -> events(rest);
            default -> {
                System.out.println("""
                        usage: lamina serve [--host H] [--port P] [--data-dir D] [--region R] [--account-id A]
                                            [--keep-alive SECONDS] [--runtime ID=/path/to/interpreter]...
                                            [--async-delay-scale X] [--prestarted-runtimes N]
                               lamina logs FUNCTION [--follow] [--endpoint URL]
                               lamina events failed FUNCTION [--endpoint URL]
                               lamina events redrive [FUNCTION] [--endpoint URL]""");
                System.exit(command.equals("help") || command.equals("--help") ? 0 : 2);
            }
        }
    }

    /** A setting of {@code serve}: its option, its environment variable, and how it applies. */
    private record Setting(String option, String variable, BiConsumer<ServerConfig.Builder, String> apply) {}

    private static final List<Setting> SETTINGS = List.of(
            new Setting("--host", "LAMINA_HOST", ServerConfig.Builder::host),
            new Setting("--port", "LAMINA_PORT", (b, v) -> b.port(Integer.parseInt(v))),
            new Setting("--data-dir", "LAMINA_DATA_DIR", (b, v) -> b.dataDir(Path.of(v))),
            new Setting("--region", "LAMINA_REGION", ServerConfig.Builder::region),
            new Setting("--account-id", "LAMINA_ACCOUNT_ID", ServerConfig.Builder::accountId),
            new Setting(
                    "--keep-alive",
                    "LAMINA_KEEP_ALIVE_SECONDS",
                    (b, v) -> b.keepAlive(Duration.ofSeconds(Long.parseLong(v)))),
            new Setting(
                    "--account-concurrency",
                    "LAMINA_ACCOUNT_CONCURRENCY",
                    (b, v) -> b.accountConcurrency(Integer.parseInt(v))),
            new Setting("--memory-budget", "LAMINA_MEMORY_BUDGET_MB", (b, v) -> b.memoryBudgetMb(Long.parseLong(v))),
            new Setting(
                    "--scaling-rate", "LAMINA_SCALING_PER_10S", (b, v) -> b.scalingPerTenSeconds(Integer.parseInt(v))),
            new Setting(
                    "--prestarted-runtimes",
                    "LAMINA_PRESTARTED_RUNTIMES",
                    (b, v) -> b.prestartedRuntimes(Integer.parseInt(v))),
            new Setting(
                    "--async-delay-scale",
                    "LAMINA_ASYNC_DELAY_SCALE",
                    (b, v) -> b.asyncDelayScale(Double.parseDouble(v))),
            new Setting("--runtime", null, (b, v) -> {
                int eq = v.indexOf('=');
                if (eq < 1) {
                    usage("--runtime takes ID=/path/to/interpreter");
                }
                b.runtime(v.substring(0, eq), v.substring(eq + 1));
            }));

    private static void serve(Deque<String> args) throws Exception {
        ServerConfig.Builder builder = ServerConfig.defaults().toBuilder();
        Map<String, String> env = System.getenv();
        env.forEach((k, v) -> {
            if (k.startsWith("LAMINA_RUNTIME_")) {
                builder.runtime(runtimeId(k.substring("LAMINA_RUNTIME_".length())), v);
            }
        });
        ServerConfig config;
        try {
            for (Setting s : SETTINGS) { // variables first, then options, which win
                if (s.variable() != null && env.containsKey(s.variable())) {
                    s.apply().accept(builder, env.get(s.variable()));
                }
            }
            while (!args.isEmpty()) {
                String option = args.pop();
                Setting setting = SETTINGS.stream()
                        .filter(s -> s.option().equals(option))
                        .findFirst()
                        .orElse(null);
                if (setting == null) {
                    usage("unknown option " + option);
                    return;
                }
                setting.apply().accept(builder, args.isEmpty() ? usage("missing value for " + option) : args.pop());
            }
            config = builder.build();
        } catch (IllegalArgumentException e) { // includes NumberFormatException
            usage(e.getMessage());
            return;
        }
        LaminaServer server = LaminaServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("lamina: stopping");
                            server.close();
                            stopped.countDown();
                        },
                        "shutdown"));
        System.out.printf(
                """
                Lamina is serving the AWS Lambda API at %1$s
                  data: %2$s   region: %3$s   account: %4$s   sandbox: %5$s

                Point the AWS CLI or an SDK at it:
                  export AWS_ENDPOINT_URL=%1$s AWS_DEFAULT_REGION=%3$s AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
                  aws lambda list-functions
                %n""",
                server.endpoint(),
                config.dataDir().toAbsolutePath(),
                config.region(),
                config.accountId(),
                server.sandboxName());
        stopped.await();
    }

    /** {@code PYTHON3_12} → {@code python3.12}, {@code NODEJS20_X} → {@code nodejs20.x}, {@code PROVIDED_AL2023} → {@code provided.al2023}. */
    static String runtimeId(String suffix) {
        String lower = suffix.toLowerCase(java.util.Locale.ROOT);
        return lower.replaceFirst("^(python\\d)_(\\d+)$", "$1.$2")
                .replaceFirst("^(nodejs\\d+)_x$", "$1.x")
                .replaceFirst("^java8_al2$", "java8.al2")
                .replaceFirst("^provided_(al\\d+)$", "provided.$1");
    }

    private static void logs(Deque<String> args) throws Exception {
        String function = null;
        boolean follow = false;
        String endpoint = System.getenv()
                .getOrDefault(
                        "AWS_ENDPOINT_URL",
                        "http://127.0.0.1:"
                                + System.getenv()
                                        .getOrDefault("LAMINA_PORT", Integer.toString(ServerConfig.DEFAULT_PORT)));
        while (!args.isEmpty()) {
            String a = args.pop();
            switch (a) {
                case "--follow", "-f" -> follow = true;
                case "--endpoint" -> endpoint = args.isEmpty() ? usage("missing value for --endpoint") : args.pop();
                default -> function = a;
            }
        }
        if (function == null) {
            usage("lamina logs FUNCTION [--follow] [--endpoint URL]");
        }
        HttpClient client = HttpClient.newHttpClient();
        long after = 0;
        do {
            HttpResponse<String> r;
            try {
                r = client.send(
                        HttpRequest.newBuilder(URI.create(endpoint + "/_lamina/logs/" + function + "?after=" + after))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                System.err.println("lamina: no server answers at " + endpoint + " (" + e.getMessage() + ")");
                System.exit(1);
                return;
            }
            System.out.print(r.body());
            System.out.flush();
            after = Long.parseLong(r.headers().firstValue("X-Lamina-Next").orElse(Long.toString(after)));
            if (follow) {
                Thread.sleep(500);
            }
        } while (follow);
    }

    /** {@code lamina events failed FUNCTION} and {@code lamina events redrive [FUNCTION]}, through /_lamina/events. */
    private static void events(Deque<String> args) throws Exception {
        String action =
                args.isEmpty() ? usage("lamina events failed FUNCTION | lamina events redrive [FUNCTION]") : args.pop();
        String function = null;
        String endpoint = defaultEndpoint();
        while (!args.isEmpty()) {
            String a = args.pop();
            if (a.equals("--endpoint")) {
                endpoint = args.isEmpty() ? usage("missing value for --endpoint") : args.pop();
            } else {
                function = a;
            }
        }
        HttpClient client = HttpClient.newHttpClient();
        String encoded =
                function == null ? null : java.net.URLEncoder.encode(function, java.nio.charset.StandardCharsets.UTF_8);
        HttpRequest request = switch (action) {
            case "failed" -> {
                if (function == null) {
                    usage("lamina events failed FUNCTION [--endpoint URL]");
                }
                yield HttpRequest.newBuilder(URI.create(endpoint + "/_lamina/events/" + encoded + "/failed"))
                        .build();
            }
            case "redrive" ->
                HttpRequest.newBuilder(URI.create(
                                endpoint + "/_lamina/events/" + (function == null ? "" : encoded + "/") + "redrive"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build();
            default -> {
                usage("unknown events command " + action + " (failed, redrive)");
                yield null;
            }
        };
        HttpResponse<String> r;
        try {
            r = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            System.err.println("lamina: no server answers at " + endpoint + " (" + e.getMessage() + ")");
            System.exit(1);
            return;
        }
        if (r.statusCode() != 200) {
            System.err.println("lamina: " + r.statusCode() + " " + r.body());
            System.exit(1);
        }
        var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(r.body());
        if (action.equals("redrive")) {
            int n = json.path("Redriven").asInt();
            System.out.println("lamina: " + n + " failed event" + (n == 1 ? "" : "s")
                    + (function == null ? "" : " of " + function) + " queued again");
            return;
        }
        var events = json.path("FailedEvents");
        if (events.isEmpty()) {
            System.out.println("lamina: " + function + " has no failed events");
            return;
        }
        System.out.printf(
                "%-36s  %-24s  %-22s  %-8s  %s%n", "REQUEST ID", "FAILED AT", "CONDITION", "ATTEMPTS", "ERROR");
        for (var e : events) {
            System.out.printf(
                    "%-36s  %-24s  %-22s  %-8d  %s%n",
                    e.path("RequestId").asString(),
                    e.path("FailedAt").asString(),
                    e.path("Condition").asString(),
                    e.path("ApproximateInvokeCount").asInt(),
                    e.path("Error").asString(""));
        }
        System.out.println(events.size() + " failed event" + (events.size() == 1 ? "" : "s")
                + "; lamina events redrive " + function + " queues them again");
    }

    /** AWS_ENDPOINT_URL, else 127.0.0.1 on LAMINA_PORT or the default port. */
    private static String defaultEndpoint() {
        return System.getenv()
                .getOrDefault(
                        "AWS_ENDPOINT_URL",
                        "http://127.0.0.1:"
                                + System.getenv()
                                        .getOrDefault("LAMINA_PORT", Integer.toString(ServerConfig.DEFAULT_PORT)));
    }

    private static String usage(String message) {
        System.err.println("lamina: " + message);
        System.exit(2);
        return null;
    }
}
