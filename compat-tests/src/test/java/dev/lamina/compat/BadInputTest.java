package dev.lamina.compat;

import static dev.lamina.compat.Fixtures.PYTHON;
import static dev.lamina.compat.Fixtures.PY_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Malformed and invalid requests get AWS-shaped errors, never a 5xx or a half-created function. */
@LaminaTest
class BadInputTest {

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @Test
    void malformed_json_body_to_create_function_is_a_400_service_error(Lamina lamina) {
        byte[] body = "{\"FunctionName\": \"bad-json\", \"Runtime\":".getBytes(StandardCharsets.UTF_8);

        HttpResult r = lamina.http("POST", "/2015-03-31/functions", body, JSON);

        assertThat(r.status()).as(r::toString).isEqualTo(400);
        assertThat(Expect.errorType(r)).as(r::toString).isNotBlank();
        Expect.serviceError(r, 400, Expect.errorType(r));
        assertNotCreated(lamina, "bad-json");
    }

    @Test
    void zip_file_that_is_not_a_zip_is_invalid_parameter_value(Lamina lamina) {
        HttpResult r = create(
                lamina,
                "bad-notzip",
                b -> b.putObject("Code")
                        .put(
                                "ZipFile",
                                Base64.getEncoder()
                                        .encodeToString("this is not a zip archive".getBytes(StandardCharsets.UTF_8))));

        Expect.serviceError(r, 400, "InvalidParameterValueException");
        assertNotCreated(lamina, "bad-notzip");
    }

    @Test
    void zip_with_a_parent_directory_entry_is_rejected(Lamina lamina) {
        byte[] zip = Zips.builder()
                .file("lambda_function.py", "def handler(e, c):\n    return 1\n")
                .file("../evil", "escaped")
                .build();

        HttpResult r = create(
                lamina,
                "bad-zipslip",
                b -> b.putObject("Code").put("ZipFile", Base64.getEncoder().encodeToString(zip)));

        Expect.serviceError(r, 400, "InvalidParameterValueException");
        assertNotCreated(lamina, "bad-zipslip");
    }

    @Test
    void memory_size_below_128_is_a_400_validation_error(Lamina lamina) {
        HttpResult r = create(lamina, "bad-memory", b -> b.put("MemorySize", 100));

        Expect.serviceError(r, 400, "ValidationException", "InvalidParameterValueException");
        assertNotCreated(lamina, "bad-memory");
    }

    @Test
    void timeout_above_900_is_a_400_validation_error(Lamina lamina) {
        HttpResult r = create(lamina, "bad-timeout", b -> b.put("Timeout", 901));

        Expect.serviceError(r, 400, "ValidationException", "InvalidParameterValueException");
        assertNotCreated(lamina, "bad-timeout");
    }

    @Test
    void unknown_function_is_resource_not_found_for_get_invoke_and_delete(Lamina lamina) {
        String expected = "Function not found: " + Lamina.functionArn("nope");

        HttpResult get = lamina.http("GET", "/2015-03-31/functions/nope", null, Map.of());
        HttpResult invoke = lamina.invoke("nope", "{}");
        HttpResult delete = lamina.http("DELETE", "/2015-03-31/functions/nope", null, Map.of());

        for (HttpResult r : new HttpResult[] {get, invoke, delete}) {
            assertThat(Expect.serviceError(r, 404, "ResourceNotFoundException")).isEqualTo(expected);
        }
    }

    /** A valid CreateFunction body for a Python echo function, changed by {@code edit}. */
    private static HttpResult create(Lamina lamina, String name, Consumer<ObjectNode> edit) {
        ObjectNode body = Json.object();
        body.put("FunctionName", name);
        body.put("Runtime", PYTHON);
        body.put("Role", Fixtures.ROLE);
        body.put("Handler", PY_HANDLER);
        body.putObject("Code").put("ZipFile", Base64.getEncoder().encodeToString(Fixtures.python("echo")));
        edit.accept(body);
        return lamina.http("POST", "/2015-03-31/functions", Json.bytes(body), JSON);
    }

    private static void assertNotCreated(Lamina lamina, String name) {
        HttpResult r = lamina.http("GET", "/2015-03-31/functions/" + name, null, Map.of());
        assertThat(r.status()).as("%s must not exist: %s", name, r).isEqualTo(404);
    }
}
