package dev.lamina.compat;

import static dev.lamina.compat.Fixtures.NODE;
import static dev.lamina.compat.Fixtures.NODE_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Node handler styles (async ESM, CommonJS, callbacks, ESM in .js, handlers in sub-folders) and
 * every served runtime identifier answering a trivial invocation.
 */
@LaminaTest
class HandlerStylesTest {

    @ParameterizedTest(name = "{0} → {3}")
    @CsvSource(delimiter = '|', textBlock = """
      async ESM in index.mjs       | echo     | index.handler   | {"a":1}
      CommonJS async in index.js   | cjs      | index.handler   | {"style":"cjs","event":{"a":1}}
      CommonJS callback            | callback | index.handler   | {"style":"callback"}
      ESM in index.js (type module)| esm-js   | index.handler   | {"style":"esm-js"}
      handler in a sub-folder      | subdir   | src/app.handler | "subdir"
      """)
    void node_handler_style_is_loaded_and_invoked(
            String style, String fixture, String handler, String expected, Lamina lamina) {
        String f = "node-style-" + fixture;
        lamina.createFunction(f, NODE, handler, Fixtures.node(fixture));

        HttpResult r = Expect.success(lamina.invoke(f, "{\"a\":1}"));

        Expect.jsonBodyIs(r, expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14"})
    void every_python_runtime_serves_a_function(String runtime, Lamina lamina) {
        String f = "rt-" + runtime.replace(".", "-");
        lamina.createFunction(f, runtime, Fixtures.PY_HANDLER, Fixtures.python("string"));

        Expect.bodyIs(Expect.success(lamina.invoke(f, "{}")), "\"hello\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"})
    void every_node_runtime_serves_a_function(String runtime, Lamina lamina) {
        String f = "rt-" + runtime.replace(".", "-");
        lamina.createFunction(f, runtime, NODE_HANDLER, Fixtures.node("string"));

        Expect.bodyIs(Expect.success(lamina.invoke(f, "{}")), "\"hello\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java8.al2", "java11", "java17", "java21", "java25"})
    void every_java_runtime_serves_a_function(String runtime, Lamina lamina) {
        String f = "rt-" + runtime.replace(".", "-");
        lamina.createFunction(f, runtime, "legacy.Hello", Fixtures.javaRelease8(), 30);

        HttpResult r = Expect.success(lamina.invoke(f, "{\"name\":\"" + runtime + "\"}"));

        Expect.jsonBodyIs(r, "{\"message\":\"Hello, " + runtime + "!\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"provided.al2", "provided.al2023"})
    void every_custom_runtime_serves_a_function(String runtime, Lamina lamina) {
        String f = "rt-" + runtime.replace(".", "-");
        lamina.createFunction(f, runtime, "unused", Fixtures.provided("echo"));

        HttpResult r = Expect.success(lamina.invoke(f, "{\"k\":\"v\"}"));

        assertThat(r.json().path("event")).as(r::toString).isEqualTo(Json.parse("{\"k\":\"v\"}"));
    }
}
