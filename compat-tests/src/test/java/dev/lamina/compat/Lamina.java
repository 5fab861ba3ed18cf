package dev.lamina.compat;

import static org.awaitility.Awaitility.await;

import dev.lamina.server.LaminaServer;
import dev.lamina.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.State;

/**
 * A running Lamina server plus the clients the tests drive it with: the AWS SDK for Java v2, a raw
 * (SigV4-signed) {@link HttpClient}, the AWS CLI and Python boto3.
 */
public final class Lamina implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";
    public static final String ACCESS_KEY = "test";
    public static final String SECRET_KEY = "test";

    /** Polls for asynchronous outcomes (function state, log lines) give up after this. */
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    private static final Set<String> RESTRICTED_HEADERS =
            Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final ServerConfig config;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private LaminaServer server;
    private LambdaClient lambda;

    private Lamina(ServerConfig config, Path dataDir) {
        this.config = config;
        this.dataDir = dataDir;
    }

    public static Lamina start(ServerConfig config, Path dataDir) {
        Lamina lamina = new Lamina(config, dataDir);
        lamina.startServer();
        return lamina;
    }

    /** Starts the server (again) on the same data directory; see {@link #stopServer}. */
    public void startServer() {
        try {
            server = LaminaServer.start(config);
        } catch (Exception e) {
            throw new IllegalStateException("LaminaServer.start failed", e);
        }
        lambda = LambdaClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** Stops the server (instances, store) and starts a new one on the same data directory. */
    public void restart() {
        stopServer();
        startServer();
    }

    /** {@code LaminaServer.close()}; the data directory stays. */
    public void stopServer() {
        if (lambda != null) {
            lambda.close();
            lambda = null;
        }
        if (server != null) {
            try {
                server.close();
            } catch (Exception e) {
                throw new IllegalStateException("LaminaServer.close failed", e);
            } finally {
                server = null;
            }
        }
    }

    @Override
    public void close() {
        stopServer();
    }

    public URI endpoint() {
        return server.endpoint();
    }

    public Path dataDir() {
        return dataDir;
    }

    public LambdaClient lambda() {
        return lambda;
    }

    public static String functionArn(String name) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name;
    }

    // ---------------------------------------------------------------- control plane (SDK)

    /**
     * CreateFunction through the SDK, then waits until the function is {@code Active}.
     *
     * @param timeout seconds, or null for the default
     * @param memory MB, or null for the default
     * @param env environment variables, or null for none
     */
    public GetFunctionConfigurationResponse createFunction(
            String name,
            String runtime,
            String handler,
            byte[] zip,
            Integer timeout,
            Integer memory,
            Map<String, String> env) {
        CreateFunctionRequest.Builder request = CreateFunctionRequest.builder()
                .functionName(name)
                .runtime(runtime)
                .handler(handler)
                .role(Fixtures.ROLE)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(zip)))
                .timeout(timeout)
                .memorySize(memory);
        if (env != null) {
            request.environment(e -> e.variables(env));
        }
        lambda.createFunction(request.build());
        return awaitActive(name);
    }

    public GetFunctionConfigurationResponse createFunction(String name, String runtime, String handler, byte[] zip) {
        return createFunction(name, runtime, handler, zip, null, null, null);
    }

    public GetFunctionConfigurationResponse createFunction(
            String name, String runtime, String handler, byte[] zip, int timeout) {
        return createFunction(name, runtime, handler, zip, timeout, null, null);
    }

    /** Polls GetFunctionConfiguration until {@code State} is Active (fails on Failed). */
    public GetFunctionConfigurationResponse awaitActive(String name) {
        AtomicReference<GetFunctionConfigurationResponse> last = new AtomicReference<>();
        await("function " + name + " Active")
                .atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    GetFunctionConfigurationResponse c = lambda.getFunctionConfiguration(r -> r.functionName(name));
                    last.set(c);
                    if (c.state() == State.FAILED) {
                        throw new AssertionError("function " + name + " Failed: " + c);
                    }
                    return c.state() == State.ACTIVE;
                });
        return last.get();
    }

    /** Polls GetFunctionConfiguration until {@code LastUpdateStatus} is Successful. */
    public GetFunctionConfigurationResponse awaitUpdated(String name) {
        AtomicReference<GetFunctionConfigurationResponse> last = new AtomicReference<>();
        await("function " + name + " LastUpdateStatus Successful")
                .atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    GetFunctionConfigurationResponse c = lambda.getFunctionConfiguration(r -> r.functionName(name));
                    last.set(c);
                    if (c.lastUpdateStatus() == LastUpdateStatus.FAILED) {
                        throw new AssertionError("update of " + name + " Failed: " + c);
                    }
                    return c.lastUpdateStatus() == null || c.lastUpdateStatus() == LastUpdateStatus.SUCCESSFUL;
                });
        return last.get();
    }

    // ---------------------------------------------------------------- raw HTTP

    /** Invoke with a raw body (null = no body, i.e. Content-Length 0) and extra headers. */
    public HttpResult invoke(String function, byte[] payload, Map<String, String> headers) {
        return http(
                "POST",
                "/2015-03-31/functions/" + URLEncoder.encode(function, StandardCharsets.UTF_8) + "/invocations",
                payload,
                headers);
    }

    public HttpResult invoke(String function, String jsonPayload) {
        return invoke(function, jsonPayload.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Invoke with {@code X-Amz-Log-Type: Tail}. */
    public HttpResult invokeTail(String function, String jsonPayload) {
        return invoke(function, jsonPayload.getBytes(StandardCharsets.UTF_8), Map.of("X-Amz-Log-Type", "Tail"));
    }

    /**
     * A SigV4-signed request (service lambda, us-east-1, test/test) to {@code path} (which may carry
     * a query string) on the server.
     */
    public HttpResult http(String method, String path, byte[] body, Map<String, String> headers) {
        URI uri = endpoint().resolve(path);
        byte[] bytes = body == null ? new byte[0] : body;
        SdkHttpRequest.Builder unsigned =
                SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(unsigned::putHeader);
        SignedRequest signed = signer.sign(r -> r.identity(AwsCredentialsIdentity.create(ACCESS_KEY, SECRET_KEY))
                .request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                .putProperty(AwsV4HttpSigner.REGION_NAME, REGION));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(120))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(bytes));
        signed.request().headers().forEach((name, values) -> {
            if (!RESTRICTED_HEADERS.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return send(request.build());
    }

    /** An unsigned GET, for the server's own {@code /_lamina} endpoints and Code.Location URLs. */
    public HttpResult get(String pathOrUrl) {
        return send(HttpRequest.newBuilder(endpoint().resolve(pathOrUrl)).GET().build());
    }

    private HttpResult send(HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            return new HttpResult(response.statusCode(), response.headers(), response.body(), elapsed);
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- logs

    /** The function's log lines, oldest first ({@code GET /_lamina/logs/{name}}). */
    public List<String> logs(String function) {
        HttpResult r = get("/_lamina/logs/" + URLEncoder.encode(function, StandardCharsets.UTF_8));
        if (r.status() != 200) {
            throw new AssertionError("GET /_lamina/logs/" + function + " → " + r);
        }
        String text = r.bodyText();
        if (text.isEmpty()) {
            return List.of();
        }
        return Arrays.asList(text.split("\n", -1)).stream()
                .filter(l -> !l.isEmpty())
                .toList();
    }

    /** Polls the logs until {@code condition} holds, then returns them. */
    public List<String> awaitLogs(String function, Predicate<List<String>> condition) {
        AtomicReference<List<String>> last = new AtomicReference<>(List.of());
        try {
            await("logs of " + function)
                    .atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        last.set(logs(function));
                        return condition.test(last.get());
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "log condition not met for " + function + "; logs:\n" + String.join("\n", last.get()), e);
        }
        return last.get();
    }

    /** Waits until the REPORT line of {@code requestId} is in the logs, then returns all lines. */
    public List<String> awaitReport(String function, String requestId) {
        return awaitLogs(function, lines -> LogLines.report(lines, requestId).isPresent());
    }

    // ---------------------------------------------------------------- AWS CLI and boto3

    public AwsCli cli() {
        return new AwsCli(endpoint());
    }

    /** Runs {@code python3 script} with the endpoint and credentials in its environment. */
    public ProcessResult python(Path script, Map<String, String> env, String... args) {
        Map<String, String> all = new LinkedHashMap<>(AwsCli.credentialsEnv());
        all.put("LAMINA_ENDPOINT", endpoint().toString());
        all.putAll(env);
        String[] command = new String[args.length + 2];
        command[0] = "python3";
        command[1] = script.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        return ProcessResult.run(all, Duration.ofMinutes(3), command);
    }
}
