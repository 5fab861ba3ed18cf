package dev.lamina.compat;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds and parses the platform's START / END / REPORT lines (surface §4.4). */
public final class LogLines {

    /** A lower-case UUID v4. */
    public static final Pattern REQUEST_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    /**
     * {@code REPORT RequestId: <id>\tDuration: d.dd ms\tBilled Duration: n ms\tMemory Size: n MB\tMax
     * Memory Used: n MB[\tInit Duration: d.dd ms][\tStatus: …]}, optionally with a trailing tab.
     */
    public static final Pattern REPORT =
            Pattern.compile("REPORT RequestId: (?<id>\\S+)\\tDuration: (?<duration>\\d+\\.\\d{2}) ms"
                    + "\\tBilled Duration: (?<billed>\\d+) ms\\tMemory Size: (?<memory>\\d+) MB"
                    + "\\tMax Memory Used: (?<maxMemory>\\d+) MB"
                    + "(?:\\tInit Duration: (?<init>\\d+\\.\\d{2}) ms)?"
                    + "(?<rest>(?:\\t[^\\t]+)*)\\t?");

    private LogLines() {}

    public static String start(String requestId) {
        return "START RequestId: " + requestId + " Version: $LATEST";
    }

    public static String end(String requestId) {
        return "END RequestId: " + requestId;
    }

    /** The REPORT line of the invocation, if logged. */
    public static Optional<String> report(List<String> lines, String requestId) {
        String prefix = "REPORT RequestId: " + requestId + "\t";
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst();
    }

    /** A parsed REPORT line. */
    public record Report(
            String requestId,
            double durationMs,
            long billedMs,
            int memoryMb,
            int maxMemoryUsedMb,
            Double initDurationMs,
            String rest) {

        /** Parses a REPORT line; fails the test if the line does not have the documented shape. */
        public static Report parse(String line) {
            Matcher m = REPORT.matcher(line);
            if (!m.matches()) {
                throw new AssertionError(
                        "REPORT line does not match " + REPORT.pattern() + ":\n" + line.replace("\t", "⇥"));
            }
            String init = m.group("init");
            return new Report(
                    m.group("id"),
                    Double.parseDouble(m.group("duration")),
                    Long.parseLong(m.group("billed")),
                    Integer.parseInt(m.group("memory")),
                    Integer.parseInt(m.group("maxMemory")),
                    init == null ? null : Double.parseDouble(init),
                    m.group("rest"));
        }

        /**
         * The figures can be true of {@code invocation}: the invoke phase fits inside the client's round trip
         * (1 ms of rounding allowed), and Billed Duration is an integer at least ceil(Duration).
         */
        public Report assertPlausibleFor(HttpResult invocation) {
            if (durationMs > invocation.elapsedMillis() + 1) {
                throw new AssertionError("REPORT Duration " + durationMs + " ms is longer than the whole Invoke call ("
                        + invocation.elapsedMillis() + " ms): " + this);
            }
            if (billedMs < (long) Math.ceil(durationMs)) {
                throw new AssertionError("Billed Duration below ceil(Duration): " + this);
            }
            return this;
        }
    }
}
