package dev.lamina.compat;

import static dev.lamina.compat.Fixtures.NODE;
import static dev.lamina.compat.Fixtures.NODE_HANDLER;
import static dev.lamina.compat.Fixtures.PYTHON;
import static dev.lamina.compat.Fixtures.PY_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;

/** Functions survive a restart of the server on the same data directory. */
@LaminaTest
class PersistenceTest {

    @Test
    void close_has_stopped_every_instance_when_it_returns(Lamina lamina) {
        lamina.createFunction("close-python", PYTHON, PY_HANDLER, Fixtures.python("echo"));
        lamina.createFunction("close-node", NODE, NODE_HANDLER, Fixtures.node("echo"));
        Expect.success(lamina.invoke("close-python", "{}"));
        Expect.success(lamina.invoke("close-node", "{}"));
        assertThat(instanceProcesses(lamina))
                .as("two warm instances before close")
                .hasSizeGreaterThanOrEqualTo(2);

        lamina.stopServer();
        try {
            assertThat(instanceProcesses(lamina))
                    .as("instance processes alive after close() returned")
                    .isEmpty();
        } finally {
            lamina.startServer();
        }
    }

    /** Live processes of this JVM whose command line names the server's data directory (the sandboxes). */
    private static List<String> instanceProcesses(Lamina lamina) {
        String dataDir = lamina.dataDir().toAbsolutePath().toString();
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .filter(line -> line.contains(dataDir))
                .toList();
    }

    @Test
    void functions_code_and_configuration_survive_a_restart(Lamina lamina) {
        lamina.createFunction(
                "persist-python", PYTHON, PY_HANDLER, Fixtures.python("env"), 7, 256, Map.of("MY_VAR", "one"));
        lamina.createFunction("persist-node", NODE, NODE_HANDLER, Fixtures.node("echo"));
        lamina.lambda()
                .updateFunctionConfiguration(
                        r -> r.functionName("persist-python").environment(e -> e.variables(Map.of("MY_VAR", "two"))));
        GetFunctionConfigurationResponse before = lamina.awaitUpdated("persist-python");
        Expect.success(lamina.invoke("persist-python", "{}"));
        Expect.success(lamina.invoke("persist-node", "{}"));

        lamina.restart();

        GetFunctionConfigurationResponse after =
                lamina.lambda().getFunctionConfiguration(r -> r.functionName("persist-python"));
        assertThat(after.codeSha256()).isEqualTo(before.codeSha256());
        assertThat(after.codeSize()).isEqualTo(before.codeSize());
        assertThat(after.timeout()).isEqualTo(7);
        assertThat(after.memorySize()).isEqualTo(256);
        assertThat(after.revisionId()).isEqualTo(before.revisionId());
        assertThat(after.lastModified()).isEqualTo(before.lastModified());
        assertThat(after.environment().variables()).containsExactlyEntriesOf(Map.of("MY_VAR", "two"));
        assertThat(lamina.lambda().listFunctions().functions())
                .extracting(FunctionConfiguration::functionName)
                .contains("persist-python", "persist-node");

        HttpResult python = Expect.success(lamina.invoke("persist-python", "{}"));
        assertThat(python.json().path("MY_VAR").asString(""))
                .as(python::toString)
                .isEqualTo("two");
        assertThat(python.json().path("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asString(""))
                .isEqualTo("256");
        Expect.bodyIs(
                Expect.success(lamina.invoke("persist-node", "{\"after\":\"restart\"}")), "{\"after\":\"restart\"}");
    }
}
