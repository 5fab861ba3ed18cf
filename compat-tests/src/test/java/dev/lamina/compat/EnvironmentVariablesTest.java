package dev.lamina.compat;

import static dev.lamina.compat.Fixtures.PYTHON;
import static dev.lamina.compat.Fixtures.PY_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Reserved and runtime-provided environment variables, and the 4 KB limit: BR-18, BR-19. */
@LaminaTest
class EnvironmentVariablesTest {

    private static final String RESERVED_MESSAGE =
            "Lambda was unable to configure your environment variables because the environment variables you"
                    + " have provided contains reserved keys that are currently not supported for modification."
                    + " Reserved keys used in this request: ";

    @Test
    void br18_create_function_with_aws_region_is_rejected_as_a_reserved_key(Lamina lamina) {
        HttpResult r = createRaw(lamina, "br18-create", Map.of("AWS_REGION", "eu-west-1"));

        String message = Expect.serviceError(r, 400, "InvalidParameterValueException");
        assertThat(message).isEqualTo(RESERVED_MESSAGE + "AWS_REGION");
        assertThat(lamina.http("GET", "/2015-03-31/functions/br18-create", null, Map.of())
                        .status())
                .as("the function was not created")
                .isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "AWS_REGION",
                "AWS_DEFAULT_REGION",
                "AWS_EXECUTION_ENV",
                "AWS_LAMBDA_FUNCTION_NAME",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                "AWS_LAMBDA_FUNCTION_VERSION",
                "AWS_LAMBDA_LOG_GROUP_NAME",
                "AWS_LAMBDA_LOG_STREAM_NAME",
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
                "AWS_LAMBDA_RUNTIME_API",
                "LAMBDA_TASK_ROOT",
                "LAMBDA_RUNTIME_DIR"
            })
    void br18_every_documented_reserved_key_is_rejected(String key, Lamina lamina) {
        HttpResult r = createRaw(lamina, "br18-key" + key.replace("_", "-").toLowerCase(), Map.of(key, "x"));

        String message = Expect.serviceError(r, 400, "InvalidParameterValueException");
        assertThat(message).isEqualTo(RESERVED_MESSAGE + key);
    }

    /**
     * {@code _HANDLER} is reserved too, but the API model's name pattern {@code [a-zA-Z]([a-zA-Z0-9_])+} already
     * refuses a leading underscore, so it may fail that check first.
     */
    @Test
    void br18_underscore_handler_is_rejected(Lamina lamina) {
        HttpResult r = createRaw(lamina, "br18-key-handler", Map.of("_HANDLER", "x"));

        Expect.serviceError(r, 400, "ValidationException", "InvalidParameterValueException");
    }

    @Test
    void br18_update_function_configuration_with_aws_region_is_rejected_as_a_reserved_key(Lamina lamina) {
        String f = "br18-update";
        lamina.createFunction(f, PYTHON, PY_HANDLER, Fixtures.python("env"));

        assertThatThrownBy(() -> lamina.lambda()
                        .updateFunctionConfiguration(r ->
                                r.functionName(f).environment(e -> e.variables(Map.of("AWS_REGION", "eu-west-1")))))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(RESERVED_MESSAGE + "AWS_REGION");
                });
    }

    @Test
    void br18_runtime_provides_region_name_memory_handler_and_task_root(Lamina lamina) {
        String f = "br18-env";
        lamina.createFunction(f, PYTHON, PY_HANDLER, Fixtures.python("env"));

        JsonNode env = Expect.success(lamina.invoke(f, "{}")).json();

        assertThat(env.path("AWS_REGION").asString("")).as("%s", env).isEqualTo("us-east-1");
        assertThat(env.path("AWS_DEFAULT_REGION").asString("")).as("%s", env).isEqualTo("us-east-1");
        assertThat(env.path("AWS_LAMBDA_FUNCTION_NAME").asString(""))
                .as("%s", env)
                .isEqualTo(f);
        assertThat(env.path("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asString(""))
                .as("%s", env)
                .isEqualTo("128");
        assertThat(env.path("_HANDLER").asString("")).as("%s", env).isEqualTo(PY_HANDLER);
        assertThat(env.path("LAMBDA_TASK_ROOT").asString("")).as("%s", env).isEqualTo("/var/task");
    }

    @Test
    void br18_unreserved_names_like_lang_and_node_path_may_be_set(Lamina lamina) {
        String f = "br18-unreserved";
        lamina.createFunction(
                f,
                PYTHON,
                PY_HANDLER,
                Fixtures.python("env"),
                null,
                null,
                Map.of("MY_VAR", "mine", "LANG", "en_US.UTF-8", "NODE_PATH", "/opt/nodejs"));

        JsonNode env = Expect.success(lamina.invoke(f, "{}")).json();

        assertThat(env.path("MY_VAR").asString("")).as("%s", env).isEqualTo("mine");
    }

    @Test
    void br19_environment_over_4_kb_is_rejected_and_3_000_characters_are_accepted(Lamina lamina) {
        String f = "br19-size";
        lamina.createFunction(f, PYTHON, PY_HANDLER, Fixtures.python("env"));

        assertThatThrownBy(() -> lamina.lambda()
                        .updateFunctionConfiguration(r ->
                                r.functionName(f).environment(e -> e.variables(Map.of("BIG", "a".repeat(5000))))))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage())
                            .startsWith(
                                    "Lambda was unable to configure your environment variables because the environment variables"
                                            + " you have provided exceeded the 4KB limit.");
                });

        UpdateFunctionConfigurationResponse updated = lamina.lambda()
                .updateFunctionConfiguration(r ->
                        r.functionName(f).environment(e -> e.variables(Map.of("BIG", "a".repeat(3000)))));
        assertThat(updated.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(lamina.awaitUpdated(f).environment().variables()).containsEntry("BIG", "a".repeat(3000));
    }

    /** CreateFunction as raw JSON, so status and {@code x-amzn-ErrorType} are visible. */
    private static HttpResult createRaw(Lamina lamina, String name, Map<String, String> env) {
        ObjectNode body = Json.object();
        body.put("FunctionName", name);
        body.put("Runtime", PYTHON);
        body.put("Role", Fixtures.ROLE);
        body.put("Handler", PY_HANDLER);
        body.putObject("Code").put("ZipFile", Base64.getEncoder().encodeToString(Fixtures.python("env")));
        ObjectNode vars = body.putObject("Environment").putObject("Variables");
        env.forEach(vars::put);
        return lamina.http(
                "POST",
                "/2015-03-31/functions",
                Json.write(body).getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"));
    }
}
