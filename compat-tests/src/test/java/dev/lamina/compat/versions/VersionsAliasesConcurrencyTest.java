package dev.lamina.compat.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.Environment;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * Versions, aliases, reserved concurrency, tags and policies, through the AWS SDK for Java v2 and raw HTTP against
 * the real server: the cases BR-17 and BR-44, and throttling under parallel load.
 */
class VersionsAliasesConcurrencyTest {

    private static final String ROLE = "arn:aws:iam::000000000000:role/r";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path data;

    static LaminaServer server;
    static LambdaClient lambda;

    @BeforeAll
    static void start() throws Exception {
        server = LaminaServer.start(ServerConfig.forTests(data));
        lambda = LambdaClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    @AfterAll
    static void stop() {
        lambda.close();
        server.close();
    }

    static byte[] python(String body) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("lambda_function.py"));
            zip.write(("import os, time\n" + body).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    static void create(String name, String code, Map<String, String> env) throws Exception {
        lambda.createFunction(b -> b.functionName(name)
                .runtime(Runtime.PYTHON3_12)
                .role(ROLE)
                .handler("lambda_function.handler")
                .timeout(10)
                .environment(Environment.builder().variables(env).build())
                .code(FunctionCode.builder()
                        .zipFile(SdkBytes.fromByteArray(uncheckedPython(code)))
                        .build()));
    }

    record Answer(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst()
                    .orElse(null);
        }
    }

    static Answer invoke(String nameAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.endpoint() + "/2015-03-31/functions/"
                                + nameAndQuery
                                        .replace("$", "%24")
                                        .replaceFirst("\\?", "/invocations?")
                                        .replaceFirst("^([^?]*)$", "$1/invocations")))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().map(), r.body());
    }

    @Test
    void versions_and_aliases_run_the_published_snapshot_br_17() throws Exception {
        create("br17", "def handler(e, c):\n    return 'v1:' + os.environ['STAGE']\n", Map.of("STAGE", "one"));
        assertThat(lambda.publishVersion(b -> b.functionName("br17")).version()).isEqualTo("1");
        lambda.updateFunctionCode(b -> b.functionName("br17")
                .zipFile(SdkBytes.fromByteArray(
                        uncheckedPython("def handler(e, c):\n    return 'v2:' + os.environ['STAGE']\n"))));
        lambda.updateFunctionConfiguration(b -> b.functionName("br17")
                .environment(
                        Environment.builder().variables(Map.of("STAGE", "two")).build()));
        lambda.createAlias(b -> b.functionName("br17").name("prod").functionVersion("1"));

        for (String target : List.of("br17?Qualifier=prod", "br17?Qualifier=1", "br17:prod", "br17:1")) {
            Answer a = invoke(target);
            assertThat(a.status()).as(target).isEqualTo(200);
            assertThat(a.body()).as(target).isEqualTo("\"v1:one\"");
            assertThat(a.header("X-Amz-Executed-Version")).as(target).isEqualTo("1");
        }
        Answer latest = invoke("br17");
        assertThat(latest.body()).isEqualTo("\"v2:two\"");
        assertThat(latest.header("X-Amz-Executed-Version")).isEqualTo("$LATEST");
    }

    static byte[] uncheckedPython(String code) {
        try {
            return python(code);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void the_handler_sees_the_qualified_arn_it_was_invoked_with() throws Exception {
        create("arnseen", "def handler(e, c):\n    return c.invoked_function_arn\n", Map.of());
        lambda.publishVersion(b -> b.functionName("arnseen"));
        lambda.createAlias(b -> b.functionName("arnseen").name("live").functionVersion("1"));
        assertThat(invoke("arnseen:live").body())
                .isEqualTo("\"arn:aws:lambda:us-east-1:000000000000:function:arnseen:live\"");
        assertThat(invoke("arnseen").body()).isEqualTo("\"arn:aws:lambda:us-east-1:000000000000:function:arnseen\"");
    }

    @Test
    void an_alias_sends_the_configured_share_to_its_second_version() throws Exception {
        create("split", "def handler(e, c):\n    return 'one'\n", Map.of());
        lambda.publishVersion(b -> b.functionName("split"));
        lambda.updateFunctionCode(b -> b.functionName("split")
                .zipFile(SdkBytes.fromByteArray(uncheckedPython("def handler(e, c):\n    return 'two'\n"))));
        lambda.publishVersion(b -> b.functionName("split"));
        lambda.createAlias(b -> b.functionName("split")
                .name("canary")
                .functionVersion("1")
                .routingConfig(AliasRoutingConfiguration.builder()
                        .additionalVersionWeights(Map.of("2", 0.3))
                        .build()));
        int n = 400;
        int two = 0;
        for (int i = 0; i < n; i++) {
            Answer a = invoke("split:canary");
            if (a.body().equals("\"two\"")) {
                two++;
                assertThat(a.header("X-Amz-Executed-Version")).isEqualTo("2");
            } else {
                assertThat(a.header("X-Amz-Executed-Version")).isEqualTo("1");
            }
        }
        // Binomial(400, 0.3): mean 120, standard deviation 9.2; five deviations either way.
        assertThat(two).isBetween(74, 166);
    }

    @Test
    void versions_are_listed_published_once_and_protected_while_an_alias_uses_them() throws Exception {
        create("vers", "def handler(e, c):\n    return 1\n", Map.of());
        String sha =
                lambda.getFunction(b -> b.functionName("vers")).configuration().codeSha256();
        assertThat(lambda.publishVersion(b -> b.functionName("vers").codeSha256(sha))
                        .version())
                .isEqualTo("1");
        assertThat(lambda.publishVersion(b -> b.functionName("vers")).version())
                .as("nothing changed")
                .isEqualTo("1");
        assertThatThrownBy(
                        () -> lambda.publishVersion(b -> b.functionName("vers").codeSha256("bogus")))
                .isInstanceOf(InvalidParameterValueException.class);
        assertThat(lambda.listVersionsByFunction(b -> b.functionName("vers")).versions())
                .extracting(v -> v.version())
                .containsExactly("$LATEST", "1");
        lambda.createAlias(b -> b.functionName("vers").name("a").functionVersion("1"));
        assertThatThrownBy(
                        () -> lambda.deleteFunction(b -> b.functionName("vers").qualifier("1")))
                .isInstanceOf(ResourceConflictException.class)
                .hasMessageContaining("aliases reference it: [a]");
        lambda.deleteAlias(b -> b.functionName("vers").name("a"));
        lambda.deleteFunction(b -> b.functionName("vers").qualifier("1"));
        lambda.updateFunctionConfiguration(b -> b.functionName("vers").description("changed"));
        assertThat(lambda.publishVersion(b -> b.functionName("vers")).version())
                .as("numbers are not reused")
                .isEqualTo("2");
    }

    @Test
    void reserved_concurrency_zero_throttles_every_invoke_br_44() throws Exception {
        create("zero", "def handler(e, c):\n    return 'ran'\n", Map.of());
        lambda.putFunctionConcurrency(b -> b.functionName("zero").reservedConcurrentExecutions(0));
        Answer a = invoke("zero");
        assertThat(a.status()).isEqualTo(429);
        assertThat(a.header("x-amzn-ErrorType")).isEqualTo("TooManyRequestsException");
        assertThat(a.body())
                .isEqualTo(
                        "{\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\",\"Type\":\"User\",\"message\":\"Rate Exceeded.\"}");
        assertThat(lambda.getFunctionConcurrency(b -> b.functionName("zero")).reservedConcurrentExecutions())
                .isZero();
        lambda.deleteFunctionConcurrency(b -> b.functionName("zero"));
        assertThat(invoke("zero").body()).isEqualTo("\"ran\"");
    }

    @Test
    void with_reserved_concurrency_n_parallel_callers_get_a_result_or_a_429_and_never_more_than_n_instances()
            throws Exception {
        create(
                "capped",
                "def handler(e, c):\n    time.sleep(0.5)\n    return os.environ['AWS_LAMBDA_LOG_STREAM_NAME']\n",
                Map.of());
        lambda.putFunctionConcurrency(b -> b.functionName("capped").reservedConcurrentExecutions(2));
        List<CompletableFuture<Answer>> calls = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 24; i++) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return invoke("capped");
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        pool));
            }
        }
        Set<String> streams = new HashSet<>();
        int ok = 0;
        int throttled = 0;
        for (CompletableFuture<Answer> call : calls) {
            Answer a = call.join();
            assertThat(a.status()).isIn(200, 429);
            if (a.status() == 200) {
                ok++;
                streams.add(a.body());
            } else {
                throttled++;
                assertThat(a.body()).contains("ReservedFunctionConcurrentInvocationLimitExceeded");
            }
        }
        assertThat(ok).isPositive();
        assertThat(throttled).isPositive();
        assertThat(streams).as("instances that served the function").hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void reservations_count_against_the_account_and_keep_100_unreserved() throws Exception {
        create("big", "def handler(e, c):\n    return 1\n", Map.of());
        int before = lambda.getAccountSettings().accountLimit().unreservedConcurrentExecutions();
        lambda.putFunctionConcurrency(b -> b.functionName("big").reservedConcurrentExecutions(5));
        assertThat(lambda.getAccountSettings().accountLimit().unreservedConcurrentExecutions())
                .isEqualTo(before - 5);
        assertThatThrownBy(() -> lambda.putFunctionConcurrency(
                        b -> b.functionName("big").reservedConcurrentExecutions(before - 99)))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("below its minimum value of [100]");
        assertThat(lambda.getFunction(b -> b.functionName("big")).concurrency().reservedConcurrentExecutions())
                .isEqualTo(5);
        lambda.deleteFunctionConcurrency(b -> b.functionName("big"));
        assertThat(lambda.getAccountSettings().accountLimit().unreservedConcurrentExecutions())
                .isEqualTo(before);
    }

    @Test
    void tags_and_policies_round_trip() throws Exception {
        create("tagged", "def handler(e, c):\n    return 1\n", Map.of());
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:tagged";
        lambda.tagResource(b -> b.resource(arn).tags(Map.of("team", "a", "env", "dev")));
        lambda.untagResource(b -> b.resource(arn).tagKeys("env"));
        assertThat(lambda.listTags(b -> b.resource(arn)).tags()).isEqualTo(Map.of("team", "a"));
        assertThat(lambda.getFunction(b -> b.functionName("tagged")).tags()).isEqualTo(Map.of("team", "a"));

        lambda.addPermission(b -> b.functionName("tagged")
                .statementId("s3")
                .action("lambda:InvokeFunction")
                .principal("s3.amazonaws.com")
                .sourceArn("arn:aws:s3:::bucket"));
        assertThatThrownBy(() -> lambda.addPermission(b -> b.functionName("tagged")
                        .statementId("s3")
                        .action("lambda:InvokeFunction")
                        .principal("s3.amazonaws.com")))
                .isInstanceOf(ResourceConflictException.class);
        String policy = lambda.getPolicy(b -> b.functionName("tagged")).policy();
        assertThat(policy)
                .isEqualTo("{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":[{\"Sid\":\"s3\","
                        + "\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\","
                        + "\"Resource\":\"" + arn
                        + "\",\"Condition\":{\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:s3:::bucket\"}}}]}");
        lambda.removePermission(b -> b.functionName("tagged").statementId("s3"));
        assertThatThrownBy(() -> lambda.getPolicy(b -> b.functionName("tagged")))
                .hasMessageContaining("The resource you requested does not exist.");
    }

    @Test
    void provisioned_concurrency_initialises_instances_ahead_and_invokes_use_them() throws Exception {
        create("warm", "def handler(e, c):\n    return os.environ['AWS_LAMBDA_INITIALIZATION_TYPE']\n", Map.of());
        lambda.publishVersion(b -> b.functionName("warm"));
        assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(
                        b -> b.functionName("warm").qualifier("$LATEST").provisionedConcurrentExecutions(1)))
                .isInstanceOf(InvalidParameterValueException.class);
        var put = lambda.putProvisionedConcurrencyConfig(
                b -> b.functionName("warm").qualifier("1").provisionedConcurrentExecutions(2));
        assertThat(put.requestedProvisionedConcurrentExecutions()).isEqualTo(2);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        String status = put.statusAsString();
        while (!status.equals("READY") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = lambda.getProvisionedConcurrencyConfig(
                            b -> b.functionName("warm").qualifier("1"))
                    .statusAsString();
        }
        assertThat(status).isEqualTo("READY");
        var ready = lambda.getProvisionedConcurrencyConfig(
                b -> b.functionName("warm").qualifier("1"));
        assertThat(ready.availableProvisionedConcurrentExecutions()).isEqualTo(2);

        var result = lambda.invoke(b -> b.functionName("warm")
                .qualifier("1")
                .logType(software.amazon.awssdk.services.lambda.model.LogType.TAIL));
        assertThat(result.payload().asUtf8String()).isEqualTo("\"provisioned-concurrency\"");
        String log = new String(java.util.Base64.getDecoder().decode(result.logResult()), StandardCharsets.UTF_8);
        assertThat(log).contains("REPORT RequestId").doesNotContain("Init Duration");

        assertThat(lambda.listProvisionedConcurrencyConfigs(b -> b.functionName("warm"))
                        .provisionedConcurrencyConfigs())
                .extracting(c -> c.functionArn())
                .containsExactly("arn:aws:lambda:us-east-1:000000000000:function:warm:1");
        lambda.deleteProvisionedConcurrencyConfig(b -> b.functionName("warm").qualifier("1"));
        assertThatThrownBy(() -> lambda.getProvisionedConcurrencyConfig(
                        b -> b.functionName("warm").qualifier("1")))
                .isInstanceOf(
                        software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyConfigNotFoundException
                                .class);
    }
}
