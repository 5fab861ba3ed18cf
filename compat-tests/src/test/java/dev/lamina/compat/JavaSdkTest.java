package dev.lamina.compat;

import static dev.lamina.compat.Fixtures.JAVA;
import static dev.lamina.compat.Fixtures.PYTHON;
import static dev.lamina.compat.Fixtures.PY_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import tools.jackson.databind.JsonNode;

/** The AWS SDK for Java v2 against Java functions (java21, java17) and the service's errors. */
@LaminaTest
class JavaSdkTest {

    @BeforeAll
    static void createJavaFunctions(Lamina lamina) {
        byte[] zip = Fixtures.javaFunctions();
        lamina.createFunction("java-stream", JAVA, "example.Stream", zip, 30);
        lamina.createFunction("java-hello", JAVA, "example.Hello", zip, 30);
        // the examples zip targets Java 25; java17 gets the same handler compiled with --release 8
        lamina.createFunction("java17-hello", "java17", "legacy.Hello", Fixtures.javaRelease8(), 30);
        lamina.createFunction("java-api", JAVA, "example.ApiGateway", zip, 30);
        lamina.createFunction("java-fail", JAVA, "example.Fail", zip, 30);
        lamina.createFunction("java-context", JAVA, "example.ContextInfo", zip, 30, 512, null);
    }

    private static InvokeResponse invoke(Lamina lamina, String f, String payload) {
        return lamina.lambda().invoke(r -> r.functionName(f).payload(SdkBytes.fromUtf8String(payload)));
    }

    @Test
    void request_stream_handler_gets_the_raw_payload_and_its_output_is_the_result(Lamina lamina) {
        InvokeResponse r = invoke(lamina, "java-stream", "{\"a\":\"b\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
        assertThat(r.executedVersion()).isEqualTo("$LATEST");
        assertThat(r.payload().asUtf8String()).isEqualTo("{\"A\":\"B\"}");
    }

    @Test
    void pojo_request_handler_maps_json_to_and_from_java_beans_on_java21(Lamina lamina) {
        InvokeResponse r = invoke(lamina, "java-hello", "{\"name\":\"Lamina\"}");

        assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
        assertThat(Json.parse(r.payload().asByteArray())).isEqualTo(Json.parse("{\"message\":\"Hello, Lamina!\"}"));
    }

    @Test
    void map_request_handler_compiled_for_java_8_runs_on_java17(Lamina lamina) {
        InvokeResponse r = invoke(lamina, "java17-hello", "{\"name\":\"seventeen\"}");

        assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
        assertThat(Json.parse(r.payload().asByteArray())).isEqualTo(Json.parse("{\"message\":\"Hello, seventeen!\"}"));
    }

    @Test
    void events_library_handler_gets_an_api_gateway_proxy_event(Lamina lamina) {
        String event = """
        {"resource":"/{proxy+}","path":"/hello/world","httpMethod":"GET",
         "headers":{"Accept":"text/plain"},"queryStringParameters":null,
         "requestContext":{"stage":"prod","requestId":"r-1"},"body":null,"isBase64Encoded":false}""";

        InvokeResponse r = invoke(lamina, "java-api", event);

        assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
        JsonNode body = Json.parse(r.payload().asByteArray());
        assertThat(body.path("statusCode").asInt()).as("%s", body).isEqualTo(200);
        assertThat(body.path("body").asString("")).as("%s", body).isEqualTo("path=/hello/world");
        assertThat(body.path("headers").path("Content-Type").asString(""))
                .as("%s", body)
                .isEqualTo("text/plain");
    }

    @Test
    void java_exception_is_an_unhandled_function_error_with_type_and_message(Lamina lamina) {
        InvokeResponse r = invoke(lamina, "java-fail", "{}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.functionError()).isEqualTo("Unhandled");
        JsonNode body = Json.parse(r.payload().asByteArray());
        assertThat(body.path("errorType").asString("")).as("%s", body).isEqualTo("java.lang.IllegalStateException");
        assertThat(body.path("errorMessage").asString("")).as("%s", body).isEqualTo("boom");
        assertThat(body.path("stackTrace").isArray()).as("%s", body).isTrue();
    }

    @Test
    void java_context_carries_the_function_and_request_and_logger_lines_reach_the_log(Lamina lamina) {
        InvokeResponse r = invoke(lamina, "java-context", "{}");

        assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
        String id = r.responseMetadata().requestId();
        JsonNode body = Json.parse(r.payload().asByteArray());
        String all = body.toString();
        assertThat(body.path("functionName").asString("")).as(all).isEqualTo("java-context");
        assertThat(body.path("functionVersion").asString("")).as(all).isEqualTo("$LATEST");
        assertThat(body.path("invokedFunctionArn").asString("")).as(all).isEqualTo(Lamina.functionArn("java-context"));
        assertThat(body.path("memoryLimitInMB").asInt()).as(all).isEqualTo(512);
        assertThat(body.path("awsRequestId").asString("")).as(all).isEqualTo(id);
        assertThat(body.path("remainingTimeInMillis").asLong())
                .as(all)
                .isPositive()
                .isLessThanOrEqualTo(30_000L);
        assertThat(body.path("logGroupName").asString("")).as(all).isEqualTo("/aws/lambda/java-context");
        assertThat(body.path("envFunctionName").asString("")).as(all).isEqualTo("java-context");
        List<String> logs = lamina.awaitReport("java-context", id);
        assertThat(logs).as(() -> String.join("\n", logs)).anyMatch(l -> l.contains("hello from java"));
    }

    @Test
    void unknown_function_is_resource_not_found_404(Lamina lamina) {
        LambdaClient sdk = lamina.lambda();

        assertThatThrownBy(() -> sdk.invoke(r -> r.functionName("no-such-function")))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Function not found: " + Lamina.functionArn("no-such-function"));
                });
        assertThatThrownBy(() -> sdk.getFunction(r -> r.functionName("no-such-function")))
                .isInstanceOfSatisfying(
                        ResourceNotFoundException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(404));
    }

    @Test
    void creating_an_existing_function_again_is_resource_conflict_409(Lamina lamina) {
        lamina.createFunction("sdk-duplicate", PYTHON, PY_HANDLER, Fixtures.python("echo"));

        assertThatThrownBy(() -> lamina.lambda()
                        .createFunction(r -> r.functionName("sdk-duplicate")
                                .runtime(PYTHON)
                                .handler(PY_HANDLER)
                                .role(Fixtures.ROLE)
                                .code(c -> c.zipFile(SdkBytes.fromByteArray(Fixtures.python("echo"))))))
                .isInstanceOfSatisfying(ResourceConflictException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(409);
                    assertThat(e.awsErrorDetails().errorMessage()).isNotBlank();
                });
    }

    @Test
    void reserved_environment_variable_is_invalid_parameter_value_400(Lamina lamina) {
        assertThatThrownBy(() -> lamina.lambda()
                        .createFunction(r -> r.functionName("sdk-reserved")
                                .runtime(PYTHON)
                                .handler(PY_HANDLER)
                                .role(Fixtures.ROLE)
                                .code(c -> c.zipFile(SdkBytes.fromByteArray(Fixtures.python("echo"))))
                                .environment(e -> e.variables(Map.of("AWS_LAMBDA_FUNCTION_NAME", "other")))))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage())
                            .endsWith("Reserved keys used in this request: AWS_LAMBDA_FUNCTION_NAME");
                });
    }
}
