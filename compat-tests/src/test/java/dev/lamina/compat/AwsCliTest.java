package dev.lamina.compat;

import static dev.lamina.compat.Fixtures.PYTHON;
import static dev.lamina.compat.Fixtures.PY_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The real AWS CLI end to end. */
@LaminaTest
class AwsCliTest {

    @Test
    void create_invoke_get_list_and_delete_a_function_with_the_cli(Lamina lamina, @TempDir Path tmp) throws Exception {
        String f = "cli-echo";
        byte[] zip = Fixtures.python("echo");
        Path zipFile = Files.write(tmp.resolve("echo.zip"), zip);
        AwsCli cli = lamina.cli();

        JsonNode created = cli.lambda(
                        "create-function",
                        "--function-name",
                        f,
                        "--runtime",
                        PYTHON,
                        "--handler",
                        PY_HANDLER,
                        "--role",
                        Fixtures.ROLE,
                        "--timeout",
                        "5",
                        "--zip-file",
                        "fileb://" + zipFile)
                .assertSuccess()
                .json();
        assertThat(created.path("FunctionName").asString("")).isEqualTo(f);
        assertThat(created.path("FunctionArn").asString("")).isEqualTo(Lamina.functionArn(f));
        assertThat(created.path("Runtime").asString("")).isEqualTo(PYTHON);
        assertThat(created.path("Handler").asString("")).isEqualTo(PY_HANDLER);
        assertThat(created.path("CodeSha256").asString("")).isEqualTo(sha256(zip));
        assertThat(created.path("CodeSize").asLong()).isEqualTo(zip.length);
        assertThat(created.path("Timeout").asInt()).isEqualTo(5);
        cli.lambda("wait", "function-active", "--function-name", f).assertSuccess();

        Path out = tmp.resolve("out.json");
        JsonNode invoked = cli.lambda(invokeArgs(f, "{\"hello\":\"world\"}", out))
                .assertSuccess()
                .json();
        assertThat(invoked.path("StatusCode").asInt()).as("%s", invoked).isEqualTo(200);
        assertThat(invoked.path("ExecutedVersion").asString(""))
                .as("%s", invoked)
                .isEqualTo("$LATEST");
        assertThat(invoked.has("FunctionError")).as("%s", invoked).isFalse();
        assertThat(Json.parse(Files.readString(out))).isEqualTo(Json.parse("{\"hello\":\"world\"}"));

        JsonNode tailed = cli.lambda(invokeArgs(f, "{}", out, "--log-type", "Tail"))
                .assertSuccess()
                .json();
        String log =
                new String(Base64.getDecoder().decode(tailed.path("LogResult").asString("")), StandardCharsets.UTF_8);
        assertThat(log).contains("START RequestId: ", "END RequestId: ", "REPORT RequestId: ");

        JsonNode got =
                cli.lambda("get-function", "--function-name", f).assertSuccess().json();
        assertThat(got.path("Configuration").path("FunctionName").asString("")).isEqualTo(f);
        assertThat(got.path("Configuration").path("CodeSha256").asString("")).isEqualTo(sha256(zip));
        assertThat(got.path("Code").path("RepositoryType").asString("")).isEqualTo("S3");
        assertThat(got.path("Code").path("Location").asString("")).startsWith("http");

        JsonNode listed = cli.lambda("list-functions").assertSuccess().json();
        List<String> names = new ArrayList<>();
        listed.path("Functions").forEach(fn -> names.add(fn.path("FunctionName").asString("")));
        assertThat(names).contains(f);

        cli.lambda("delete-function", "--function-name", f).assertSuccess();
        ProcessResult gone = cli.lambda("get-function", "--function-name", f);
        assertThat(gone.exitCode()).as(gone::toString).isNotZero();
        assertThat(gone.stderr()).as(gone::toString).contains("ResourceNotFoundException");
    }

    @Test
    void update_function_code_and_configuration_with_the_cli_and_wait_for_function_updated(
            Lamina lamina, @TempDir Path tmp) throws Exception {
        String f = "cli-update";
        lamina.createFunction(f, PYTHON, PY_HANDLER, Fixtures.python("echo"));
        AwsCli cli = lamina.cli();
        byte[] envZip = Fixtures.python("env");
        Path zipFile = Files.write(tmp.resolve("env.zip"), envZip);

        JsonNode code = cli.lambda("update-function-code", "--function-name", f, "--zip-file", "fileb://" + zipFile)
                .assertSuccess()
                .json();
        assertThat(code.path("CodeSha256").asString("")).isEqualTo(sha256(envZip));
        cli.lambda("wait", "function-updated", "--function-name", f).assertSuccess();

        JsonNode config = cli.lambda(
                        "update-function-configuration",
                        "--function-name",
                        f,
                        "--timeout",
                        "7",
                        "--memory-size",
                        "256",
                        "--environment",
                        "Variables={MY_VAR=from-cli}")
                .assertSuccess()
                .json();
        assertThat(config.path("Timeout").asInt()).as("%s", config).isEqualTo(7);
        cli.lambda("wait", "function-updated", "--function-name", f).assertSuccess();

        JsonNode current = cli.lambda("get-function-configuration", "--function-name", f)
                .assertSuccess()
                .json();
        assertThat(current.path("Timeout").asInt()).as("%s", current).isEqualTo(7);
        assertThat(current.path("MemorySize").asInt()).as("%s", current).isEqualTo(256);
        assertThat(current.path("Environment").path("Variables").path("MY_VAR").asString(""))
                .isEqualTo("from-cli");
        assertThat(current.path("LastUpdateStatus").asString("")).isEqualTo("Successful");

        Path out = tmp.resolve("out.json");
        cli.lambda(invokeArgs(f, "{}", out)).assertSuccess();
        JsonNode env = Json.parse(Files.readString(out));
        assertThat(env.path("MY_VAR").asString("")).as("%s", env).isEqualTo("from-cli");
        assertThat(env.path("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asString(""))
                .as("%s", env)
                .isEqualTo("256");
    }

    @Test
    void cli_invoke_reports_an_unhandled_function_error(Lamina lamina, @TempDir Path tmp) throws Exception {
        String f = "cli-error";
        lamina.createFunction(f, PYTHON, PY_HANDLER, Fixtures.python("error"));
        Path out = tmp.resolve("out.json");

        JsonNode invoked =
                lamina.cli().lambda(invokeArgs(f, "{}", out)).assertSuccess().json();

        assertThat(invoked.path("StatusCode").asInt()).as("%s", invoked).isEqualTo(200);
        assertThat(invoked.path("FunctionError").asString("")).as("%s", invoked).isEqualTo("Unhandled");
        assertThat(Json.parse(Files.readString(out)).path("errorMessage").asString(""))
                .isEqualTo("boom");
    }

    @Test
    void get_account_settings_and_function_code_signing_config_with_the_cli(Lamina lamina) {
        String f = "cli-settings";
        lamina.createFunction(f, PYTHON, PY_HANDLER, Fixtures.python("echo"));
        AwsCli cli = lamina.cli();

        JsonNode settings = cli.lambda("get-account-settings").assertSuccess().json();
        JsonNode limit = settings.path("AccountLimit");
        assertThat(limit.path("TotalCodeSize").asLong()).as("%s", settings).isEqualTo(80530636800L);
        assertThat(limit.path("CodeSizeUnzipped").asLong()).as("%s", settings).isEqualTo(262144000L);
        assertThat(limit.path("CodeSizeZipped").asLong()).as("%s", settings).isEqualTo(52428800L);
        assertThat(limit.path("ConcurrentExecutions").asLong())
                .as("%s", settings)
                .isPositive();
        assertThat(settings.path("AccountUsage").path("FunctionCount").asLong())
                .as("%s", settings)
                .isPositive();

        JsonNode signing = cli.lambda("get-function-code-signing-config", "--function-name", f)
                .assertSuccess()
                .json();
        assertThat(signing.path("FunctionName").asString("")).as("%s", signing).isEqualTo(f);
    }

    /** {@code invoke --function-name f [extra…] [--cli-binary-format raw-in-base64-out] --payload p out}. */
    private static String[] invokeArgs(String f, String payload, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("invoke", "--function-name", f));
        args.addAll(List.of(extra));
        args.addAll(AwsCli.rawPayloadArgs());
        args.addAll(List.of("--payload", payload, out.toString()));
        return args.toArray(String[]::new);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
