package dev.lamina.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Python boto3 end to end (scripts/boto3_e2e.py). */
@LaminaTest
class Boto3Test {

    @Test
    void boto3_creates_invokes_downloads_the_code_and_paginates_functions(Lamina lamina, @TempDir Path tmp)
            throws Exception {
        byte[] echoZip = Fixtures.python("echo");
        Path echo = Files.write(tmp.resolve("echo.zip"), echoZip);
        Path error = Files.write(tmp.resolve("error.zip"), Fixtures.python("error"));

        ProcessResult run = lamina.python(
                        Fixtures.resource("scripts/boto3_e2e.py"), Map.of(), echo.toString(), error.toString())
                .assertSuccess();
        JsonNode out = run.json();
        String all = out.toString();

        String sha = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(echoZip));
        JsonNode created = out.path("create");
        assertThat(created.path("FunctionName").asString("")).as(all).isEqualTo("boto-echo");
        assertThat(created.path("FunctionArn").asString("")).as(all).isEqualTo(Lamina.functionArn("boto-echo"));
        assertThat(created.path("CodeSha256").asString("")).as(all).isEqualTo(sha);
        assertThat(created.path("CodeSize").asLong()).as(all).isEqualTo(echoZip.length);

        JsonNode invoked = out.path("invoke");
        assertThat(invoked.path("StatusCode").asInt()).as(all).isEqualTo(200);
        assertThat(invoked.path("FunctionError").isNull()).as(all).isTrue();
        assertThat(invoked.path("ExecutedVersion").asString("")).as(all).isEqualTo("$LATEST");
        assertThat(Json.parse(invoked.path("Payload").asString("")))
                .as(all)
                .isEqualTo(Json.parse("{\"from\":\"boto3\"}"));
        assertThat(invoked.path("Log").asString("")).as(all).contains("REPORT RequestId: ");

        JsonNode failed = out.path("error");
        assertThat(failed.path("StatusCode").asInt()).as(all).isEqualTo(200);
        assertThat(failed.path("FunctionError").asString("")).as(all).isEqualTo("Unhandled");
        assertThat(Json.parse(failed.path("Payload").asString(""))
                        .path("errorMessage")
                        .asString(""))
                .as(all)
                .isEqualTo("boom");

        JsonNode download = out.path("download");
        assertThat(download.path("repositoryType").asString("")).as(all).isEqualTo("S3");
        assertThat(download.path("sameBytes").asBoolean())
                .as("Code.Location serves the uploaded zip: %s", all)
                .isTrue();
        assertThat(download.path("sha256").asString("")).as(all).isEqualTo(sha);

        List<String> seen = new ArrayList<>();
        for (JsonNode page : out.path("pages")) {
            assertThat(page.size()).as("MaxItems=1 pages: %s", all).isLessThanOrEqualTo(1);
            page.forEach(n -> seen.add(n.asString()));
        }
        assertThat(seen)
                .as(all)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrder("boto-echo", "boto-error", "boto-page-0", "boto-page-1", "boto-page-2");
        assertThat(out.path("firstPage").path("count").asInt()).as(all).isEqualTo(1);
        assertThat(out.path("firstPage").path("hasNextMarker").asBoolean())
                .as(all)
                .isTrue();

        assertThat(out.path("notFound").path("status").asInt()).as(all).isEqualTo(404);
    }
}
