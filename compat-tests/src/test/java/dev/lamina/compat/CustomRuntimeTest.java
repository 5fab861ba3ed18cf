package dev.lamina.compat;

import static dev.lamina.compat.Fixtures.PROVIDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Custom runtimes (provided.al2 / provided.al2023) and the Runtime API: BR-29, BR-30. */
@LaminaTest(keepAliveSeconds = 60)
class CustomRuntimeTest {

    // ------------------------------------------------------------------ BR-29

    @Test
    void br29_package_without_bootstrap_is_runtime_invalid_entrypoint(Lamina lamina) {
        String f = "br29-nobootstrap";
        lamina.createFunction(f, PROVIDED, "handler.sh", Fixtures.provided("nobootstrap"));

        HttpResult r = lamina.invoke(f, "{}");

        Expect.functionError(r);
        Expect.jsonBodyIs(
                r,
                Json.write(Map.of(
                        "errorType",
                        "Runtime.InvalidEntrypoint",
                        "errorMessage",
                        "RequestId: " + r.requestId()
                                + " Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]")));
    }

    @Test
    void br29_bootstrap_that_is_not_executable_is_runtime_invalid_entrypoint(Lamina lamina) throws IOException {
        String f = "br29-noexec";
        byte[] zip =
                Zips.builder().file("bootstrap", echoBootstrap(), Zips.FILE).build();
        lamina.createFunction(f, PROVIDED, "unused", zip);

        HttpResult r = lamina.invoke(f, "{}");

        JsonNode body = Expect.functionError(r);
        assertThat(body.path("errorType").asString("")).as("%s", body).isEqualTo("Runtime.InvalidEntrypoint");
    }

    @Test
    void br29_bootstrap_with_crlf_line_endings_is_runtime_invalid_entrypoint(Lamina lamina) throws IOException {
        String f = "br29-crlf";
        String crlf = echoBootstrap().replace("\r\n", "\n").replace("\n", "\r\n");
        byte[] zip = Zips.builder().file("bootstrap", crlf, Zips.EXECUTABLE).build();
        lamina.createFunction(f, PROVIDED, "unused", zip);

        HttpResult r = lamina.invoke(f, "{}");

        JsonNode body = Expect.functionError(r);
        assertThat(body.path("errorType").asString("")).as("%s", body).isEqualTo("Runtime.InvalidEntrypoint");
    }

    private static String echoBootstrap() throws IOException {
        return Files.readString(Fixtures.dir("provided/echo").resolve("bootstrap"));
    }

    // ------------------------------------------------------------------ BR-30

    @Test
    void br30_runtime_api_answers_with_json_bodies_and_refuses_a_second_answer(Lamina lamina) {
        String f = "br30-runtime-api";
        lamina.createFunction(f, PROVIDED, "unused", Fixtures.provided("runtimeapi"), 10);

        HttpResult ok = Expect.success(lamina.invoke(f, "{\"step\":\"ok\"}"));
        Expect.jsonBodyIs(ok, "{\"ok\":true}");

        HttpResult fail = lamina.invoke(f, "{\"step\":\"fail\"}");
        Expect.functionError(fail);
        Expect.jsonBodyIs(fail, "{\"errorMessage\":\"x\",\"errorType\":\"Custom.Fail\",\"stackTrace\":[]}");

        JsonNode report =
                Expect.success(lamina.invoke(f, "{\"step\":\"report\"}")).json();
        String all = report.toString();
        // step 1: /next
        assertThat(report.path("ok.next.status").asString("")).as(all).isEqualTo("200");
        assertThat(report.path("ok.next.requestId").asString("")).as(all).isEqualTo(ok.requestId());
        assertThat(report.path("ok.next.deadlineMs").asString("")).as(all).matches("\\d{13}");
        assertThat(report.path("ok.next.functionArn").asString("")).as(all).isEqualTo(Lamina.functionArn(f));
        assertThat(report.path("ok.next.traceId").asString("")).as(all).isNotBlank();
        assertThat(Json.parse(report.path("ok.next.event").asString("null")))
                .as(all)
                .isEqualTo(Json.parse("{\"step\":\"ok\"}"));
        // step 2: /response
        assertThat(report.path("ok.post.status").asString("")).as(all).isEqualTo("202");
        assertThat(Json.parse(report.path("ok.post.body").asString("null")))
                .as(all)
                .isEqualTo(Json.parse("{\"status\":\"OK\"}"));
        // step 3: /error
        assertThat(report.path("fail.next.requestId").asString("")).as(all).isEqualTo(fail.requestId());
        assertThat(report.path("fail.post.status").asString("")).as(all).isEqualTo("202");
        assertThat(Json.parse(report.path("fail.post.body").asString("null")))
                .as(all)
                .isEqualTo(Json.parse("{\"status\":\"OK\"}"));
        // step 4: a second answer for an id that has been answered
        assertThat(report.path("ok.again.status").asString("")).as(all).matches("4\\d\\d");
        assertThat(report.path("fail.again.status").asString("")).as(all).matches("4\\d\\d");
    }

    @Test
    void shell_runtime_loop_serves_invocations_on_provided_al2(Lamina lamina) {
        String f = "provided-al2-echo";
        lamina.createFunction(f, "provided.al2", "unused", Fixtures.provided("echo"));

        for (String payload : new String[] {"{\"n\":1}", "[1,2]"}) {
            HttpResult r = Expect.success(lamina.invoke(f, payload));
            JsonNode body = r.json();
            assertThat(body.path("event")).as("%s", r).isEqualTo(Json.parse(payload));
            assertThat(body.path("requestId").asString("")).as("%s", r).isEqualTo(r.requestId());
            assertThat(body.path("functionArn").asString("")).as("%s", r).isEqualTo(Lamina.functionArn(f));
        }
    }
}
