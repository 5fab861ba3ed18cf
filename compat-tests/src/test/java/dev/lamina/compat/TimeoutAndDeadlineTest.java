package dev.lamina.compat;

import static dev.lamina.compat.Fixtures.NODE;
import static dev.lamina.compat.Fixtures.NODE_HANDLER;
import static dev.lamina.compat.Fixtures.PROVIDED;
import static dev.lamina.compat.Fixtures.PYTHON;
import static dev.lamina.compat.Fixtures.PY_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Timeouts and the invocation deadline: BR-14, BR-15. */
@LaminaTest
class TimeoutAndDeadlineTest {

    @Test
    void br14_timeout_answers_sandbox_timedout_after_the_configured_seconds_and_resets_the_environment(Lamina lamina) {
        String f = "br14-timeout";
        lamina.createFunction(f, PYTHON, PY_HANDLER, Fixtures.python("sleep5"), 1);

        HttpResult first = lamina.invoke(f, "{}");

        assertThat(first.elapsedMillis()).as("returns after ~1 s: %s", first).isBetween(950L, 1999L);
        assertTimedOut(first);
        String id = first.requestId();
        List<String> logs = lamina.awaitReport(f, id);
        Pattern timedOut = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z " + Pattern.quote(id)
                + " Task timed out after 1\\.00 seconds");
        assertThat(logs)
                .as(() -> String.join("\n", logs))
                .anyMatch(l -> timedOut.matcher(l).matches());
        String reportLine = LogLines.report(logs, id).orElseThrow();
        assertThat(reportLine.stripTrailing()).endsWith("Status: timeout");
        LogLines.Report.parse(reportLine).assertPlausibleFor(first);

        HttpResult second = lamina.invoke(f, "{}");

        assertTimedOut(second);
        List<String> after = lamina.awaitReport(f, second.requestId());
        LogLines.Report report = LogLines.Report.parse(
                        LogLines.report(after, second.requestId()).orElseThrow())
                .assertPlausibleFor(second);
        assertThat(report.initDurationMs())
                .as("fresh environment: Init Duration in the next REPORT")
                .isNotNull();
    }

    private static void assertTimedOut(HttpResult r) {
        Expect.functionError(r);
        Expect.jsonBodyIs(
                r,
                Json.write(Map.of(
                        "errorType",
                        "Sandbox.Timedout",
                        "errorMessage",
                        "RequestId: " + r.requestId() + " Error: Task timed out after 1.00 seconds")));
    }

    @Test
    void br15_remaining_time_counts_down_from_the_configured_timeout(Lamina lamina) {
        String f = "br15-remaining";
        lamina.createFunction(f, NODE, NODE_HANDLER, Fixtures.node("remaining"), 10);

        HttpResult r = Expect.success(lamina.invoke(f, "{}"));

        JsonNode body = r.json();
        long a = body.path("a").asLong();
        long b = body.path("b").asLong();
        assertThat(a).as("a in %s", body).isGreaterThan(9000L).isLessThanOrEqualTo(10000L);
        assertThat(a - b).as("a - b in %s", body).isBetween(450L, 700L);
    }

    @Test
    void br15_runtime_api_deadline_is_the_epoch_millisecond_of_arrival_plus_the_timeout(Lamina lamina) {
        String f = "br15-deadline";
        lamina.createFunction(f, PROVIDED, "unused", Fixtures.provided("echo"), 10);

        long sentAt = System.currentTimeMillis();
        HttpResult r = Expect.success(lamina.invoke(f, "{}"));

        long deadline = Long.parseLong(r.json().path("deadlineMs").asString());
        assertThat(deadline).as("Lambda-Runtime-Deadline-Ms in %s", r).isBetween(sentAt + 9000, sentAt + 11000);
    }
}
