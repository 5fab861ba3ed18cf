package dev.lamina.compat.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.compat.Expect;
import dev.lamina.compat.Fixtures;
import dev.lamina.compat.HttpResult;
import dev.lamina.compat.Json;
import dev.lamina.compat.Lamina;
import dev.lamina.compat.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.model.FunctionEventInvokeConfig;
import software.amazon.awssdk.services.lambda.model.GetFunctionEventInvokeConfigResponse;
import software.amazon.awssdk.services.lambda.model.ListFunctionEventInvokeConfigsResponse;
import software.amazon.awssdk.services.lambda.model.PutFunctionEventInvokeConfigResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionEventInvokeConfigResponse;
import tools.jackson.databind.JsonNode;

/**
 * Put, Get, Update, Delete and ListFunctionEventInvokeConfigs, wire-exact against botocore's model (LastModified is
 * a JSON timestamp: epoch seconds), through raw HTTP, the AWS SDK for Java and the AWS CLI; and bad input answered
 * with AWS's errors, changing nothing.
 */
class EventInvokeConfigTest {

    static Lamina lamina;
    static final String PATH = "/2019-09-25/functions/cfg/event-invoke-config";
    static final String HANDLER = "def handler(event, context):\n    return event\n";

    @BeforeAll
    static void start() {
        lamina = AsyncSupport.start();
        lamina.createFunction("cfg", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(HANDLER));
        lamina.createFunction("target", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(HANDLER));
        lamina.lambda().publishVersion(b -> b.functionName("cfg"));
        lamina.lambda().createAlias(b -> b.functionName("cfg").name("live").functionVersion("1"));
    }

    @AfterAll
    static void stop() {
        AsyncSupport.stop(lamina);
    }

    @BeforeEach
    void clean() {
        for (String q : new String[] {null, "1", "live"}) {
            String path = PATH + (q == null ? "" : "?Qualifier=" + q);
            lamina.http("DELETE", path, null, Map.of());
        }
    }

    private static HttpResult put(String query, String body) {
        return lamina.http("PUT", PATH + query, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static HttpResult get(String query) {
        return lamina.http("GET", PATH + query, null, Map.of());
    }

    @Test
    void put_answers_the_config_wire_exact() {
        double before = Instant.now().toEpochMilli() / 1000.0;
        HttpResult r = put("", "{\"MaximumRetryAttempts\":0,\"MaximumEventAgeInSeconds\":3600}");
        assertThat(r.status()).as(r::toString).isEqualTo(200);
        assertThat(r.header("Content-Type")).contains("application/json");
        JsonNode body = r.json();
        assertThat(List.copyOf(body.propertyNames()))
                .containsExactly(
                        "LastModified",
                        "FunctionArn",
                        "MaximumRetryAttempts",
                        "MaximumEventAgeInSeconds",
                        "DestinationConfig");
        assertThat(body.path("LastModified").isNumber())
                .as("a JSON timestamp: epoch seconds")
                .isTrue();
        assertThat(body.path("LastModified").asDouble()).isBetween(before - 1, before + 600);
        assertThat(body.path("FunctionArn").asString()).isEqualTo(Lamina.functionArn("cfg") + ":$LATEST");
        assertThat(body.path("MaximumRetryAttempts").asInt()).isZero();
        assertThat(body.path("MaximumEventAgeInSeconds").asInt()).isEqualTo(3600);
        assertThat(body.path("DestinationConfig")).isEqualTo(Json.parse("{\"OnSuccess\":{},\"OnFailure\":{}}"));
        assertThat(get("").json()).isEqualTo(body);
    }

    @Test
    void put_replaces_the_whole_config_and_update_changes_only_what_it_gives() {
        assertThat(put(
                                "",
                                "{\"MaximumRetryAttempts\":1,\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\""
                                        + Lamina.functionArn("target") + "\"}}}")
                        .status())
                .isEqualTo(200);
        JsonNode replaced = put("", "{\"MaximumEventAgeInSeconds\":120}").json();
        assertThat(replaced.has("MaximumRetryAttempts")).as("left out: removed").isFalse();
        assertThat(replaced.path("DestinationConfig")).isEqualTo(Json.parse("{\"OnSuccess\":{},\"OnFailure\":{}}"));

        HttpResult updated = lamina.http(
                "POST",
                PATH,
                ("{\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":\"" + Lamina.functionArn("target") + "\"}}}")
                        .getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(updated.status()).as(updated::toString).isEqualTo(200);
        assertThat(updated.json().path("MaximumEventAgeInSeconds").asInt())
                .as("kept")
                .isEqualTo(120);
        assertThat(updated.json().path("DestinationConfig"))
                .isEqualTo(Json.parse(
                        "{\"OnSuccess\":{\"Destination\":\"" + Lamina.functionArn("target") + "\"},\"OnFailure\":{}}"));
    }

    @Test
    void the_sdk_sees_every_operation_and_each_qualifier_has_its_own_config() {
        PutFunctionEventInvokeConfigResponse put = lamina.lambda()
                .putFunctionEventInvokeConfig(b -> b.functionName("cfg").maximumRetryAttempts(2));
        assertThat(put.functionArn()).isEqualTo(Lamina.functionArn("cfg") + ":$LATEST");
        assertThat(put.lastModified()).isNotNull();
        lamina.lambda()
                .putFunctionEventInvokeConfig(
                        b -> b.functionName("cfg").qualifier("1").maximumEventAgeInSeconds(60));
        lamina.lambda()
                .putFunctionEventInvokeConfig(b -> b.functionName(Lamina.functionArn("cfg") + ":live")
                        .destinationConfig(d -> d.onFailure(f -> f.destination(Lamina.functionArn("target")))));

        GetFunctionEventInvokeConfigResponse v1 = lamina.lambda()
                .getFunctionEventInvokeConfig(b -> b.functionName("cfg").qualifier("1"));
        assertThat(v1.functionArn()).isEqualTo(Lamina.functionArn("cfg") + ":1");
        assertThat(v1.maximumEventAgeInSeconds()).isEqualTo(60);
        assertThat(v1.maximumRetryAttempts()).isNull();

        UpdateFunctionEventInvokeConfigResponse up = lamina.lambda()
                .updateFunctionEventInvokeConfig(b -> b.functionName("cfg:live").maximumRetryAttempts(1));
        assertThat(up.maximumRetryAttempts()).isEqualTo(1);
        assertThat(up.destinationConfig().onFailure().destination()).isEqualTo(Lamina.functionArn("target"));

        ListFunctionEventInvokeConfigsResponse all =
                lamina.lambda().listFunctionEventInvokeConfigs(b -> b.functionName("cfg"));
        assertThat(all.functionEventInvokeConfigs())
                .extracting(FunctionEventInvokeConfig::functionArn)
                .containsExactly(
                        Lamina.functionArn("cfg") + ":$LATEST",
                        Lamina.functionArn("cfg") + ":1",
                        Lamina.functionArn("cfg") + ":live");
        assertThat(all.nextMarker()).isNull();

        ListFunctionEventInvokeConfigsResponse page = lamina.lambda()
                .listFunctionEventInvokeConfigs(b -> b.functionName("cfg").maxItems(2));
        assertThat(page.functionEventInvokeConfigs()).hasSize(2);
        assertThat(page.nextMarker()).isNotNull();
        ListFunctionEventInvokeConfigsResponse rest = lamina.lambda()
                .listFunctionEventInvokeConfigs(b -> b.functionName("cfg").marker(page.nextMarker()));
        assertThat(rest.functionEventInvokeConfigs())
                .extracting(FunctionEventInvokeConfig::functionArn)
                .containsExactly(Lamina.functionArn("cfg") + ":live");
        assertThat(lamina
                        .lambda()
                        .listFunctionEventInvokeConfigsPaginator(
                                b -> b.functionName("cfg").maxItems(1))
                        .functionEventInvokeConfigs()
                        .stream()
                        .count())
                .isEqualTo(3);

        lamina.lambda()
                .deleteFunctionEventInvokeConfig(b -> b.functionName("cfg").qualifier("1"));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> lamina.lambda()
                        .getFunctionEventInvokeConfig(b -> b.functionName("cfg").qualifier("1"))))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining(
                        "The function " + Lamina.functionArn("cfg") + ":1 doesn't have an EventInvokeConfig");
    }

    @Test
    void the_aws_cli_drives_every_operation() {
        ProcessResult put = lamina.cli()
                .lambda(
                        "put-function-event-invoke-config",
                        "--function-name",
                        "cfg",
                        "--maximum-retry-attempts",
                        "1",
                        "--destination-config",
                        "{\"OnSuccess\":{\"Destination\":\"" + Lamina.functionArn("target") + "\"}}")
                .assertSuccess();
        assertThat(put.json().path("MaximumRetryAttempts").asInt()).isEqualTo(1);
        assertThat(put.json().path("FunctionArn").asString()).isEqualTo(Lamina.functionArn("cfg") + ":$LATEST");
        assertThat(put.json().path("LastModified").isMissingNode()).isFalse();
        ProcessResult get = lamina.cli()
                .lambda("get-function-event-invoke-config", "--function-name", "cfg")
                .assertSuccess();
        assertThat(get.json()
                        .path("DestinationConfig")
                        .path("OnSuccess")
                        .path("Destination")
                        .asString())
                .isEqualTo(Lamina.functionArn("target"));
        lamina.cli()
                .lambda(
                        "update-function-event-invoke-config",
                        "--function-name",
                        "cfg",
                        "--maximum-event-age-in-seconds",
                        "300")
                .assertSuccess();
        ProcessResult list = lamina.cli()
                .lambda("list-function-event-invoke-configs", "--function-name", "cfg")
                .assertSuccess();
        assertThat(list.json().path("FunctionEventInvokeConfigs")).hasSize(1);
        assertThat(list.json()
                        .path("FunctionEventInvokeConfigs")
                        .get(0)
                        .path("MaximumEventAgeInSeconds")
                        .asInt())
                .isEqualTo(300);
        lamina.cli()
                .lambda("delete-function-event-invoke-config", "--function-name", "cfg")
                .assertSuccess();
        ProcessResult gone = lamina.cli().lambda("get-function-event-invoke-config", "--function-name", "cfg");
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.stderr()).contains("ResourceNotFoundException").contains("doesn't have an EventInvokeConfig");
    }

    // ---- bad input: AWS's errors, nothing stored ------------------------------------------------------------

    private static void assertUnchanged(JsonNode before) {
        HttpResult now = get("");
        if (before == null) {
            Expect.serviceError(now, 404, "ResourceNotFoundException");
        } else {
            assertThat(now.json()).isEqualTo(before);
        }
    }

    @Test
    void out_of_range_settings_are_validation_errors() {
        JsonNode before = put("", "{\"MaximumRetryAttempts\":1}").json();

        assertThat(Expect.serviceError(put("", "{\"MaximumRetryAttempts\":3}"), 400, "ValidationException"))
                .isEqualTo("1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy"
                        + " constraint: Member must have value less than or equal to 2");
        assertThat(Expect.serviceError(put("", "{\"MaximumRetryAttempts\":-1}"), 400, "ValidationException"))
                .contains("Member must have value greater than or equal to 0");
        assertThat(Expect.serviceError(put("", "{\"MaximumEventAgeInSeconds\":59}"), 400, "ValidationException"))
                .isEqualTo("1 validation error detected: Value '59' at 'maximumEventAgeInSeconds' failed to satisfy"
                        + " constraint: Member must have value greater than or equal to 60");
        assertThat(Expect.serviceError(
                        put("", "{\"MaximumRetryAttempts\":5,\"MaximumEventAgeInSeconds\":21601}"),
                        400,
                        "ValidationException"))
                .startsWith("2 validation errors detected: ")
                .contains("Member must have value less than or equal to 21600");
        assertThat(Expect.serviceError(
                        put("", "{\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":\"not-an-arn\"}}}"),
                        400,
                        "ValidationException"))
                .contains("at 'destinationConfig.onSuccess.destination' failed to satisfy constraint: Member must"
                        + " satisfy regular expression pattern");
        assertUnchanged(before);
        HttpResult update =
                lamina.http("POST", PATH, "{\"MaximumRetryAttempts\":9}".getBytes(StandardCharsets.UTF_8), Map.of());
        Expect.serviceError(update, 400, "ValidationException");
        assertUnchanged(before);
    }

    @Test
    void destinations_must_be_other_existing_functions() {
        JsonNode before = put("", "{\"MaximumRetryAttempts\":2}").json();
        String missing = Lamina.functionArn("no-such-function");
        assertThat(Expect.serviceError(
                        put("", "{\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"" + missing + "\"}}}"),
                        400,
                        "InvalidParameterValueException"))
                .isEqualTo("The destination ARN " + missing + " is invalid.");
        assertThat(Expect.serviceError(
                        put(
                                "",
                                "{\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":\"" + Lamina.functionArn("cfg")
                                        + "\"}}}"),
                        400,
                        "InvalidParameterValueException"))
                .isEqualTo("You can't specify the function as a destination for itself.");
        String otherAccount = "arn:aws:lambda:us-east-1:123456789012:function:target";
        Expect.serviceError(
                put("", "{\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":\"" + otherAccount + "\"}}}"),
                400,
                "InvalidParameterValueException");
        String queue = "arn:aws:sqs:us-east-1:000000000000:failed-events";
        assertThat(Expect.serviceError(
                        put("", "{\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"" + queue + "\"}}}"),
                        400,
                        "InvalidParameterValueException"))
                .startsWith("The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure("
                        + "destination=" + queue + ")) is invalid.");
        String missingVersion = Lamina.functionArn("target") + ":9";
        Expect.serviceError(
                put("", "{\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"" + missingVersion + "\"}}}"),
                400,
                "InvalidParameterValueException");
        assertUnchanged(before);
    }

    @Test
    void malformed_requests_are_refused_and_change_nothing() {
        assertUnchanged(null);
        Expect.serviceError(put("", "{not json"), 400, "InvalidRequestContentException");
        Expect.serviceError(put("", "{\"MaximumRetryAttempts\":\"two\"}"), 400, "InvalidRequestContentException");
        Expect.serviceError(put("", "{\"DestinationConfig\":\"arn\"}"), 400, "InvalidRequestContentException");
        assertThat(Expect.serviceError(put("", "{}"), 400, "InvalidParameterValueException"))
                .isEqualTo("You must specify at least one of error handling or destination setting.");
        assertUnchanged(null);
    }

    @Test
    void missing_functions_qualifiers_and_configs_are_not_found() {
        HttpResult noFunction = lamina.http(
                "PUT",
                "/2019-09-25/functions/no-such-function/event-invoke-config",
                "{\"MaximumRetryAttempts\":1}".getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(Expect.serviceError(noFunction, 404, "ResourceNotFoundException"))
                .isEqualTo("The function doesn't exist.");
        assertThat(Expect.serviceError(
                        put("?Qualifier=7", "{\"MaximumRetryAttempts\":1}"), 404, "ResourceNotFoundException"))
                .isEqualTo("The function doesn't exist.");
        assertThat(Expect.serviceError(
                        put("?Qualifier=nope", "{\"MaximumRetryAttempts\":1}"), 404, "ResourceNotFoundException"))
                .isEqualTo("The function doesn't exist.");
        assertThat(Expect.serviceError(get(""), 404, "ResourceNotFoundException"))
                .isEqualTo("The function " + Lamina.functionArn("cfg") + ":$LATEST doesn't have an EventInvokeConfig");
        HttpResult update =
                lamina.http("POST", PATH, "{\"MaximumRetryAttempts\":1}".getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(Expect.serviceError(update, 404, "ResourceNotFoundException"))
                .isEqualTo("The function " + Lamina.functionArn("cfg") + ":$LATEST doesn't have an EventInvokeConfig");
        HttpResult delete = lamina.http("DELETE", PATH, null, Map.of());
        Expect.serviceError(delete, 404, "ResourceNotFoundException");
        HttpResult list =
                lamina.http("GET", "/2019-09-25/functions/no-such-function/event-invoke-config/list", null, Map.of());
        assertThat(Expect.serviceError(list, 404, "ResourceNotFoundException"))
                .isEqualTo("The function doesn't exist.");
        HttpResult badMax = lamina.http("GET", PATH + "/list?MaxItems=51", null, Map.of());
        assertThat(Expect.serviceError(badMax, 400, "ValidationException"))
                .contains("Member must have value less than or equal to 50");
        HttpResult badQualifier = put("?Qualifier=a%20b", "{\"MaximumRetryAttempts\":1}");
        Expect.serviceError(badQualifier, 400, "ValidationException");
        HttpResult mismatch = lamina.http(
                "PUT",
                "/2019-09-25/functions/cfg:1/event-invoke-config?Qualifier=live",
                "{\"MaximumRetryAttempts\":1}".getBytes(StandardCharsets.UTF_8),
                Map.of());
        Expect.serviceError(mismatch, 400, "InvalidParameterValueException");
        assertUnchanged(null);
    }

    @Test
    void a_deleted_function_takes_its_configs_with_it() {
        lamina.createFunction("short-lived", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(HANDLER));
        lamina.lambda()
                .putFunctionEventInvokeConfig(b -> b.functionName("short-lived").maximumRetryAttempts(0));
        lamina.lambda().deleteFunction(b -> b.functionName("short-lived"));
        lamina.createFunction("short-lived", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(HANDLER));
        HttpResult r = lamina.http("GET", "/2019-09-25/functions/short-lived/event-invoke-config", null, Map.of());
        Expect.serviceError(r, 404, "ResourceNotFoundException");
    }
}
