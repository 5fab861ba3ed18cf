package dev.lamina.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * Cold starts that take on a runtime started ahead (docs/adr/0007-prestarted-runtimes.md), through the real server:
 * what the function sees must be what a runtime started for it sees. Each runtime uses a memory size no other test
 * uses, so that its first cold start is sure to start its own process.
 */
@LaminaTest
class PrestartedRuntimesTest {

    @ParameterizedTest
    @CsvSource({
        "python3.12, lambda_function.handler, python/environ, 320",
        "nodejs20.x, index.handler, nodejs/environ, 336",
        "java21, example.Environment::handleRequest, java, 352",
        "provided.al2023, unused, provided/environ, 368"
    })
    void a_cold_start_on_a_runtime_started_ahead_sees_what_a_fresh_start_sees(
            String runtime, String handler, String fixture, int memory, Lamina lamina) {
        String f = "prestarted-" + runtime.replace(".", "-");
        byte[] zip = fixture.equals("java") ? Fixtures.javaFunctions() : Fixtures.zip(fixture);
        Map<String, String> env = Map.of("GREETING", "it's \"quoted\" $HOME \\ ✓", "EMPTY", "");
        lamina.createFunction(f, runtime, handler, zip, 30, memory, env);
        long before = health(lamina).get("coldStartsOnPrestarted").asLong();

        JsonNode fresh = invoke(lamina, f); // the first cold start of this runtime and memory size: its own process
        assertThat(health(lamina).get("coldStartsOnPrestarted").asLong()).isEqualTo(before);

        String key = runtime + "/" + memory;
        await().atMost(Duration.ofSeconds(30))
                .until(() -> health(lamina).get("prestartedRuntimes").toString().contains("\"" + key + "\""));
        lamina.lambda().updateFunctionConfiguration(r -> r.functionName(f).description("a new revision"));
        lamina.awaitUpdated(f);
        JsonNode taken = invoke(lamina, f);

        assertThat(health(lamina).get("coldStartsOnPrestarted").asLong()).isEqualTo(before + 1);
        assertThat(comparable(taken)).isEqualTo(comparable(fresh));
        assertThat(taken.toString())
                .contains("GREETING")
                // (a JVM decodes the ✓ with the C locale's charset, as after a fresh start: en_US.UTF-8 may be missing)
                .contains("it's \\\"quoted\\\" $HOME \\\\ ")
                .doesNotContain("LAMINA_PRESTART");
    }

    private static JsonNode invoke(Lamina lamina, String f) {
        HttpResult r = lamina.invoke(f, "{}");
        assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Amz-Function-Error"))
                .as(r.bodyText())
                .isEmpty();
        return r.json();
    }

    private static JsonNode health(Lamina lamina) {
        return lamina.get("/_lamina/health").json();
    }

    /** The answer without what differs between any two instances: their log stream, Runtime API port, trace id. */
    private static String comparable(JsonNode answer) {
        String text = answer.toString();
        for (String varying :
                new String[] {"AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API", "_X_AMZN_TRACE_ID"}) {
            text = text.replaceAll("\"" + varying + "\":\"[^\"]*\"", "\"" + varying + "\":\"…\"")
                    .replaceAll("\"" + varying + "=[^\"]*\"", "\"" + varying + "=…\"");
        }
        return sorted(text);
    }

    private static String sorted(String json) {
        JsonNode node = tools.jackson.databind.json.JsonMapper.builder().build().readTree(json);
        return sortedNode(node).toString();
    }

    private static Object sortedNode(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> m = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), sortedNode(e.getValue()));
            }
            return m;
        }
        return node;
    }
}
