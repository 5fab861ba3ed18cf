package dev.lamina.compat;

import static dev.lamina.compat.Fixtures.NODE;
import static dev.lamina.compat.Fixtures.NODE_HANDLER;
import static dev.lamina.compat.Fixtures.PYTHON;
import static dev.lamina.compat.Fixtures.PY_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The log tail on Invoke and the platform's log lines: BR-23, BR-24. */
@LaminaTest(keepAliveSeconds = 60)
class LogsTest {

    @Test
    void br23_log_type_tail_returns_the_last_4_kb_of_the_invocation_log(Lamina lamina) {
        String f = "br23-tail";
        lamina.createFunction(f, PYTHON, PY_HANDLER, Fixtures.python("manylines"));

        HttpResult tailed = Expect.success(lamina.invokeTail(f, "{}"));

        String id = tailed.requestId();
        String encoded = tailed.header("X-Amz-Log-Result")
                .orElseThrow(() -> new AssertionError("no X-Amz-Log-Result with X-Amz-Log-Type: Tail: " + tailed));
        byte[] decoded = Base64.getDecoder().decode(encoded);
        String text = new String(decoded, StandardCharsets.UTF_8);
        assertThat(decoded.length).as(text).isLessThanOrEqualTo(4096);
        assertThat(text).contains("MARKER").contains("END RequestId: " + id).endsWith("\n");
        List<String> lines = text.lines().toList();
        assertThat(lines.getLast()).as(text).startsWith("REPORT RequestId: " + id + "\t");
        assertThat(text).as("the tail does not reach back to START").doesNotContain("START RequestId:");
        assertThat(lines.stream().filter(l -> l.equals("x".repeat(99))).count())
                .as("the first x lines are cut off")
                .isLessThan(100);

        HttpResult plain = Expect.success(lamina.invoke(f, "{}"));
        assertThat(plain.header("X-Amz-Log-Result")).as(plain::toString).isEmpty();
    }

    @Test
    void br24_report_has_init_duration_on_the_cold_start_only(Lamina lamina) {
        String f = "br24-report";
        lamina.createFunction(f, PYTHON, PY_HANDLER, Fixtures.python("slowinit"), 10, 256, null);

        HttpResult cold = Expect.success(lamina.invokeTail(f, "{}"));
        HttpResult warm = Expect.success(lamina.invokeTail(f, "{}"));

        List<String> coldLog = tail(cold);
        assertThat(coldLog)
                .as(() -> String.join("\n", coldLog))
                .contains(LogLines.start(cold.requestId()), LogLines.end(cold.requestId()));
        LogLines.Report coldReport = report(coldLog, cold.requestId()).assertPlausibleFor(cold);
        assertThat(coldReport.initDurationMs())
                .as("Init Duration of the cold start")
                .isNotNull()
                .isGreaterThanOrEqualTo(1200.0);
        assertBilling(coldReport);

        List<String> warmLog = tail(warm);
        assertThat(warmLog)
                .as(() -> String.join("\n", warmLog))
                .contains(LogLines.start(warm.requestId()), LogLines.end(warm.requestId()));
        LogLines.Report warmReport = report(warmLog, warm.requestId()).assertPlausibleFor(warm);
        assertThat(warmReport.initDurationMs()).as("no Init Duration when warm").isNull();
        assertBilling(warmReport);
    }

    private static void assertBilling(LogLines.Report report) {
        assertThat(report.billedMs()).as("%s", report).isGreaterThanOrEqualTo((long) Math.ceil(report.durationMs()));
        assertThat(report.memoryMb()).as("%s", report).isEqualTo(256);
    }

    @Test
    void br24_node_console_log_line_carries_timestamp_request_id_and_level(Lamina lamina) {
        String f = "br24-console";
        lamina.createFunction(f, NODE, NODE_HANDLER, Fixtures.node("consolelog"));

        HttpResult r = Expect.success(lamina.invoke(f, "{}"));

        String id = r.requestId();
        List<String> logs = lamina.awaitReport(f, id);
        Pattern hi = Pattern.compile(
                "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\\t" + Pattern.quote(id) + "\\tINFO\\thi");
        int start = logs.indexOf(LogLines.start(id));
        int line = indexOfMatch(logs, hi);
        int end = logs.indexOf(LogLines.end(id));
        int report = logs.indexOf(LogLines.report(logs, id).orElseThrow());
        String all = String.join("\n", logs).replace("\t", "⇥");
        assertThat(start).as(all).isNotNegative();
        assertThat(line).as(all).isGreaterThan(start);
        assertThat(end).as(all).isGreaterThan(line);
        assertThat(report).as(all).isGreaterThan(end);
        LogLines.Report.parse(logs.get(report)).assertPlausibleFor(r);
    }

    private static List<String> tail(HttpResult r) {
        String encoded =
                r.header("X-Amz-Log-Result").orElseThrow(() -> new AssertionError("no X-Amz-Log-Result: " + r));
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8)
                .lines()
                .toList();
    }

    private static LogLines.Report report(List<String> lines, String id) {
        return LogLines.Report.parse(LogLines.report(lines, id)
                .orElseThrow(() -> new AssertionError("no REPORT for " + id + " in\n" + String.join("\n", lines))));
    }

    private static int indexOfMatch(List<String> lines, Pattern p) {
        for (int i = 0; i < lines.size(); i++) {
            if (p.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }
}
