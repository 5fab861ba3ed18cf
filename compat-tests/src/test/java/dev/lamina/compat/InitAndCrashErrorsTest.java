package dev.lamina.compat;

import static dev.lamina.compat.Fixtures.NODE;
import static dev.lamina.compat.Fixtures.NODE_HANDLER;
import static dev.lamina.compat.Fixtures.PYTHON;
import static dev.lamina.compat.Fixtures.PY_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Handler and import failures, init errors and crashing runtimes: BR-25, BR-27, BR-28. */
@LaminaTest
class InitAndCrashErrorsTest {

    /** Every function here has a 30 s timeout; "promptly" means well below it. */
    private static final int TIMEOUT = 30;

    private static final long PROMPT_MILLIS = 5000;

    // ------------------------------------------------------------------ BR-25

    @Test
    void br25_node_handler_not_exported_is_runtime_handler_not_found(Lamina lamina) {
        String f = "br25-node-nosuch";
        lamina.createFunction(f, NODE, "index.nosuch", Fixtures.node("nosuch"), TIMEOUT);

        HttpResult r = lamina.invoke(f, "{}");

        JsonNode body = promptFunctionError(r);
        assertThat(body.path("errorType").asString("")).as("%s", body).isEqualTo("Runtime.HandlerNotFound");
        assertThat(body.path("errorMessage").asString(""))
                .as("%s", body)
                .isEqualTo("index.nosuch is undefined or not exported");
        assertErrorLoggedBeforeEndAndReport(lamina, f, r, "Runtime.HandlerNotFound");
    }

    @Test
    void br25_node_handler_module_missing_is_runtime_import_module_error(Lamina lamina) {
        String f = "br25-node-missing";
        lamina.createFunction(f, NODE, "missing.handler", Fixtures.node("nosuch"), TIMEOUT);

        HttpResult r = lamina.invoke(f, "{}");

        JsonNode body = promptFunctionError(r);
        assertThat(body.path("errorType").asString("")).as("%s", body).isEqualTo("Runtime.ImportModuleError");
        assertThat(body.path("errorMessage").asString(""))
                .as("%s", body)
                .startsWith("Error: Cannot find module 'missing'");
        assertErrorLoggedBeforeEndAndReport(lamina, f, r, "Runtime.ImportModuleError");
    }

    @Test
    void br25_python_handler_missing_on_module_is_runtime_handler_not_found(Lamina lamina) {
        String f = "br25-python-foo";
        lamina.createFunction(f, PYTHON, "lambda_function.foo", Fixtures.python("echo"), TIMEOUT);

        HttpResult r = lamina.invoke(f, "{}");

        JsonNode body = promptFunctionError(r);
        assertThat(body.path("errorType").asString("")).as("%s", body).isEqualTo("Runtime.HandlerNotFound");
        assertThat(body.path("errorMessage").asString(""))
                .as("%s", body)
                .isEqualTo("Handler 'foo' missing on module 'lambda_function'");
        assertErrorLoggedBeforeEndAndReport(lamina, f, r, "Runtime.HandlerNotFound");
    }

    @Test
    void br25_python_handler_module_missing_is_runtime_import_module_error(Lamina lamina) {
        String f = "br25-python-nosuch";
        lamina.createFunction(f, PYTHON, "nosuch.handler", Fixtures.python("echo"), TIMEOUT);

        HttpResult r = lamina.invoke(f, "{}");

        JsonNode body = promptFunctionError(r);
        assertThat(body.path("errorType").asString("")).as("%s", body).isEqualTo("Runtime.ImportModuleError");
        assertThat(body.path("errorMessage").asString(""))
                .as("%s", body)
                .isEqualTo("Unable to import module 'nosuch': No module named 'nosuch'");
        assertErrorLoggedBeforeEndAndReport(lamina, f, r, "Runtime.ImportModuleError");
    }

    // ------------------------------------------------------------------ BR-27

    @Test
    void br27_init_error_fails_the_invocation_at_once_with_one_init_attempt_and_init_is_retried_next_time(
            Lamina lamina) {
        String f = "br27-importfail";
        lamina.createFunction(f, PYTHON, PY_HANDLER, Fixtures.python("importfail"), TIMEOUT);
        String marker = "Unable to import module 'lambda_function'";

        HttpResult first = lamina.invoke(f, "{}");

        assertImportFailed(first);
        List<String> logs = lamina.awaitReport(f, first.requestId());
        assertThat(logs.stream().filter(l -> l.contains(marker)).count())
                .as("init attempts logged for the first invocation:\n%s", String.join("\n", logs))
                .isEqualTo(1);
        reportOf(logs, first).assertPlausibleFor(first);

        HttpResult second = lamina.invoke(f, "{}");

        assertImportFailed(second);
        List<String> after = lamina.awaitReport(f, second.requestId());
        assertThat(after.stream().filter(l -> l.contains(marker)).count())
                .as("init is tried again, once, for the second invocation:\n%s", String.join("\n", after))
                .isEqualTo(2);
        reportOf(after, second).assertPlausibleFor(second);
    }

    private static LogLines.Report reportOf(List<String> logs, HttpResult r) {
        return LogLines.Report.parse(LogLines.report(logs, r.requestId()).orElseThrow());
    }

    private static void assertImportFailed(HttpResult r) {
        JsonNode body = promptFunctionError(r);
        assertThat(body.path("errorType").asString("")).as("%s", body).isEqualTo("Runtime.ImportModuleError");
        assertThat(body.path("errorMessage").asString(""))
                .as("%s", body)
                .isEqualTo("Unable to import module 'lambda_function': No module named 'nonexistent_pkg_xyz'");
    }

    // ------------------------------------------------------------------ BR-28

    @Test
    void br28_python_sys_exit_is_runtime_exit_error_and_the_next_call_starts_cold(Lamina lamina) {
        assertExitErrorTwice(lamina, "br28-python", PYTHON, PY_HANDLER, Fixtures.python("exit1"));
    }

    @Test
    void br28_node_process_exit_is_runtime_exit_error_and_the_next_call_starts_cold(Lamina lamina) {
        assertExitErrorTwice(lamina, "br28-node", NODE, NODE_HANDLER, Fixtures.node("exit1"));
    }

    private static void assertExitErrorTwice(Lamina lamina, String f, String runtime, String handler, byte[] zip) {
        lamina.createFunction(f, runtime, handler, zip, TIMEOUT);

        for (int call = 1; call <= 2; call++) {
            HttpResult r = lamina.invoke(f, "{}");

            promptFunctionError(r);
            Expect.jsonBodyIs(
                    r,
                    Json.write(Map.of(
                            "errorType",
                            "Runtime.ExitError",
                            "errorMessage",
                            "RequestId: " + r.requestId() + " Error: Runtime exited with error: exit status 1")));
            List<String> logs = lamina.awaitReport(f, r.requestId());
            String line = LogLines.report(logs, r.requestId()).orElseThrow();
            assertThat(line.stripTrailing())
                    .as("call %d", call)
                    .endsWith("Status: error\tError Type: Runtime.ExitError");
            assertThat(LogLines.Report.parse(line).assertPlausibleFor(r).initDurationMs())
                    .as("call %d is a cold start: %s", call, line)
                    .isNotNull();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode promptFunctionError(HttpResult r) {
        JsonNode body = Expect.functionError(r);
        assertThat(r.elapsedMillis())
                .as("answered promptly, not at the %d s timeout: %s", TIMEOUT, r)
                .isLessThan(PROMPT_MILLIS);
        return body;
    }

    /** The log shows the error, then END and REPORT of the invocation. */
    private static void assertErrorLoggedBeforeEndAndReport(
            Lamina lamina, String f, HttpResult invocation, String errorType) {
        String id = invocation.requestId();
        List<String> logs = lamina.awaitReport(f, id);
        String all = String.join("\n", logs);
        int error = -1;
        for (int i = 0; i < logs.size(); i++) {
            if (logs.get(i).contains(errorType)) {
                error = i;
                break;
            }
        }
        int end = logs.indexOf(LogLines.end(id));
        int report = logs.indexOf(LogLines.report(logs, id).orElseThrow());
        assertThat(error).as("a line with %s in\n%s", errorType, all).isNotNegative();
        assertThat(end).as("END after the error line in\n%s", all).isGreaterThan(error);
        assertThat(report).as("REPORT after END in\n%s", all).isGreaterThan(end);
        LogLines.Report.parse(logs.get(report)).assertPlausibleFor(invocation);
    }
}
