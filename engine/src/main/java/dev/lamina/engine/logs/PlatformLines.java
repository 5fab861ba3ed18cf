package dev.lamina.engine.logs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The log lines the platform itself writes, in AWS Lambda's exact Text format. Pure functions.
 *
 * <p>REPORT fields are tab-separated and the line ends with a tab, as AWS prints it. Durations have two decimals;
 * the billed duration is the duration rounded up to the millisecond.
 */
public final class PlatformLines {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private PlatformLines() {}

    public static String initStart(String runtimeVersion, String runtimeVersionArn) {
        return "INIT_START Runtime Version: " + runtimeVersion + "\tRuntime Version ARN: " + runtimeVersionArn;
    }

    public static String start(String requestId, String version) {
        return "START RequestId: " + requestId + " Version: " + version;
    }

    public static String end(String requestId) {
        return "END RequestId: " + requestId;
    }

    /**
     * The REPORT line.
     *
     * @param initDurationMs the init duration on a cold start, else null
     * @param status null for success, {@code timeout} or {@code error}
     * @param errorType with status {@code error}: the platform error type, such as {@code Runtime.ExitError}
     */
    public static String report(
            String requestId,
            double durationMs,
            int memorySize,
            long maxMemoryUsedMb,
            Double initDurationMs,
            String status,
            String errorType) {
        StringBuilder line = new StringBuilder(160)
                .append("REPORT RequestId: ")
                .append(requestId)
                .append("\tDuration: ");
        appendTwoDecimals(line, durationMs)
                .append(" ms")
                .append("\tBilled Duration: ")
                .append(billedMillis(durationMs))
                .append(" ms")
                .append("\tMemory Size: ")
                .append(memorySize)
                .append(" MB")
                .append("\tMax Memory Used: ")
                .append(maxMemoryUsedMb)
                .append(" MB");
        if (initDurationMs != null) {
            appendTwoDecimals(line.append("\tInit Duration: "), initDurationMs).append(" ms");
        }
        if (status != null) {
            line.append("\tStatus: ").append(status);
            if (errorType != null) {
                line.append("\tError Type: ").append(errorType);
            }
        }
        return line.append('\t').toString();
    }

    public static String initReport(double initDurationMs, String phase, String status, String errorType) {
        StringBuilder line = appendTwoDecimals(new StringBuilder("INIT_REPORT Init Duration: "), initDurationMs)
                .append(" ms\tPhase: ")
                .append(phase)
                .append("\tStatus: ")
                .append(status);
        if (errorType != null) {
            line.append("\tError Type: ").append(errorType);
        }
        return line.toString();
    }

    /** {@code <ISO timestamp> <id> Task timed out after 3.00 seconds}. */
    public static String timedOut(long epochMillis, String requestId, int timeoutSeconds) {
        return isoMillis(epochMillis) + " " + requestId + " " + timedOutMessage(timeoutSeconds);
    }

    public static String timedOutMessage(int timeoutSeconds) {
        return "Task timed out after " + twoDecimals(timeoutSeconds) + " seconds";
    }

    public static long billedMillis(double durationMs) {
        return Math.max(1, (long) Math.ceil(durationMs));
    }

    public static String isoMillis(long epochMillis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }

    static String twoDecimals(double value) {
        return appendTwoDecimals(new StringBuilder(16), value).toString();
    }

    /**
     * Appends {@code value} with two decimals, rounded half up, as {@code String.format("%.2f")} prints it, without a
     * Formatter (REPORT is built on every invocation). Exact for values of at most six decimals, which every duration
     * is (they are measured in nanoseconds and printed in milliseconds).
     */
    static StringBuilder appendTwoDecimals(StringBuilder out, double value) {
        if (value < 0) {
            out.append('-');
            value = -value;
        }
        long hundredths = (Math.round(value * 1e6) + 5_000) / 10_000;
        long fraction = hundredths % 100;
        return out.append(hundredths / 100).append(fraction < 10 ? ".0" : ".").append(fraction);
    }
}
