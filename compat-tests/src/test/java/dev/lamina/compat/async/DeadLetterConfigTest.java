package dev.lamina.compat.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lamina.compat.Expect;
import dev.lamina.compat.Fixtures;
import dev.lamina.compat.HttpResult;
import dev.lamina.compat.Lamina;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.LambdaException;

/**
 * DeadLetterConfig is accepted and kept as AWS keeps it: on CreateFunction and UpdateFunctionConfiguration, per
 * version (PublishVersion locks it in), shown by every FunctionConfiguration; a malformed target changes nothing.
 * Lamina sends nothing to SQS or SNS: a failed event stays visible as a failed event.
 */
class DeadLetterConfigTest {

    static Lamina lamina;
    static final String QUEUE = "arn:aws:sqs:us-east-1:000000000000:dead-letters";
    static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:dead-letters";
    static final String FAILING = "def handler(event, context):\n    raise Exception('boom')\n";

    @BeforeAll
    static void start() {
        lamina = AsyncSupport.start();
    }

    @AfterAll
    static void stop() {
        AsyncSupport.stop(lamina);
    }

    @Test
    void it_is_kept_per_version_and_shown_everywhere() {
        lamina.lambda()
                .createFunction(b -> b.functionName("dlq")
                        .runtime(Fixtures.PYTHON)
                        .handler(Fixtures.PY_HANDLER)
                        .role(Fixtures.ROLE)
                        .code(c -> c.zipFile(SdkBytes.fromByteArray(AsyncSupport.python(FAILING))))
                        .deadLetterConfig(d -> d.targetArn(QUEUE)));
        lamina.awaitActive("dlq");
        assertThat(lamina.lambda()
                        .getFunctionConfiguration(b -> b.functionName("dlq"))
                        .deadLetterConfig()
                        .targetArn())
                .isEqualTo(QUEUE);
        assertThat(lamina.lambda()
                        .getFunction(b -> b.functionName("dlq"))
                        .configuration()
                        .deadLetterConfig()
                        .targetArn())
                .isEqualTo(QUEUE);
        assertThat(lamina.lambda().listFunctions().functions())
                .filteredOn(f -> f.functionName().equals("dlq"))
                .extracting(f -> f.deadLetterConfig().targetArn())
                .containsExactly(QUEUE);

        String version =
                lamina.lambda().publishVersion(b -> b.functionName("dlq")).version();
        var updated = lamina.lambda()
                .updateFunctionConfiguration(b -> b.functionName("dlq").deadLetterConfig(d -> d.targetArn(TOPIC)));
        assertThat(updated.deadLetterConfig().targetArn()).isEqualTo(TOPIC);
        lamina.awaitUpdated("dlq");
        assertThat(lamina.lambda()
                        .getFunctionConfiguration(b -> b.functionName("dlq").qualifier(version))
                        .deadLetterConfig()
                        .targetArn())
                .as("the published version keeps the queue it was published with")
                .isEqualTo(QUEUE);

        lamina.lambda().updateFunctionConfiguration(b -> b.functionName("dlq").deadLetterConfig(d -> d.targetArn("")));
        lamina.awaitUpdated("dlq");
        assertThat(lamina.lambda()
                        .getFunctionConfiguration(b -> b.functionName("dlq"))
                        .deadLetterConfig())
                .isNull();
        assertThat(lamina.lambda()
                        .getFunctionConfiguration(b -> b.functionName("dlq").qualifier(version))
                        .deadLetterConfig()
                        .targetArn())
                .isEqualTo(QUEUE);
    }

    @Test
    void a_malformed_target_is_refused_and_changes_nothing() {
        String body = "{\"FunctionName\":\"dlq-bad\",\"Runtime\":\"" + Fixtures.PYTHON + "\",\"Handler\":\""
                + Fixtures.PY_HANDLER + "\",\"Role\":\"" + Fixtures.ROLE + "\",\"Code\":{\"ZipFile\":\""
                + java.util.Base64.getEncoder().encodeToString(AsyncSupport.python(FAILING))
                + "\"},\"DeadLetterConfig\":{\"TargetArn\":\"not-an-arn\"}}";
        HttpResult r = lamina.http("POST", "/2015-03-31/functions", body.getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(Expect.serviceError(r, 400, "ValidationException"))
                .startsWith("1 validation error detected: Value 'not-an-arn' at 'deadLetterConfig.targetArn'");
        Expect.serviceError(
                lamina.http("GET", "/2015-03-31/functions/dlq-bad", null, Map.of()), 404, "ResourceNotFoundException");

        lamina.createFunction("dlq-kept", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(FAILING));
        String before = lamina.lambda()
                .getFunctionConfiguration(b -> b.functionName("dlq-kept"))
                .revisionId();
        LambdaException e = catchThrowableOfType(
                LambdaException.class,
                () -> lamina.lambda()
                        .updateFunctionConfiguration(b ->
                                b.functionName("dlq-kept").timeout(9).deadLetterConfig(d -> d.targetArn("sqs:queue"))));
        assertThat(e.statusCode()).isEqualTo(400);
        var after = lamina.lambda().getFunctionConfiguration(b -> b.functionName("dlq-kept"));
        assertThat(after.revisionId()).isEqualTo(before);
        assertThat(after.timeout()).isEqualTo(3);
        assertThat(after.deadLetterConfig()).isNull();
    }

    @Test
    void an_event_that_fails_with_a_dead_letter_queue_is_kept_as_a_failed_event() {
        lamina.createFunction("dlq-event", Fixtures.PYTHON, Fixtures.PY_HANDLER, AsyncSupport.python(FAILING));
        lamina.lambda()
                .updateFunctionConfiguration(
                        b -> b.functionName("dlq-event").deadLetterConfig(d -> d.targetArn(QUEUE)));
        lamina.awaitUpdated("dlq-event");
        lamina.lambda()
                .putFunctionEventInvokeConfig(b -> b.functionName("dlq-event").maximumRetryAttempts(0));
        HttpResult r = AsyncSupport.event(lamina, "dlq-event", "{}");
        AsyncSupport.await("the event to fail", () -> AsyncSupport.failed(lamina, "dlq-event"), f -> f.size() == 1);
        assertThat(AsyncSupport.failed(lamina, "dlq-event")
                        .getFirst()
                        .path("RequestId")
                        .asString())
                .isEqualTo(r.requestId());
    }
}
