package dev.lamina.engine.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class PlatformLinesTest {

    private static final String ID = "6bc28136-1111-4365-b021-0ce6b2e64ab0";

    @Test
    void start_and_end_lines_are_aws_text_format() {
        assertThat(PlatformLines.start(ID, "$LATEST")).isEqualTo("START RequestId: " + ID + " Version: $LATEST");
        assertThat(PlatformLines.end(ID)).isEqualTo("END RequestId: " + ID);
    }

    @Test
    void report_line_of_a_cold_start_has_tab_separated_fields_and_init_duration() {
        assertThat(PlatformLines.report(ID, 198.5, 512, 90, 524.75, null, null))
                .isEqualTo("REPORT RequestId: " + ID
                        + "\tDuration: 198.50 ms\tBilled Duration: 199 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB"
                        + "\tInit Duration: 524.75 ms\t");
    }

    @Test
    void report_line_of_a_warm_invocation_has_no_init_duration() {
        assertThat(PlatformLines.report(ID, 1.234, 128, 16, null, null, null))
                .isEqualTo("REPORT RequestId: " + ID
                        + "\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 16 MB\t");
    }

    @Test
    void report_line_of_a_timeout_and_of_a_crash_ends_with_the_status() {
        assertThat(PlatformLines.report(ID, 1000, 128, 16, null, "timeout", null))
                .endsWith("\tStatus: timeout\t");
        assertThat(PlatformLines.report(ID, 3, 128, 16, null, "error", "Runtime.ExitError"))
                .endsWith("\tStatus: error\tError Type: Runtime.ExitError\t");
    }

    @Test
    void billed_duration_rounds_up_to_the_millisecond() {
        assertThat(PlatformLines.billedMillis(0.01)).isEqualTo(1);
        assertThat(PlatformLines.billedMillis(2.0)).isEqualTo(2);
        assertThat(PlatformLines.billedMillis(2.0001)).isEqualTo(3);
    }

    @Test
    void timeout_line_has_an_iso_timestamp_the_request_id_and_two_decimals() {
        assertThat(PlatformLines.timedOut(0, ID, 3))
                .isEqualTo("1970-01-01T00:00:00.000Z " + ID + " Task timed out after 3.00 seconds");
    }

    @Test
    void two_decimals_round_as_format_does_for_every_duration_measured_in_nanoseconds() {
        for (double edge : new double[] {0, 0.004, 0.005, 0.015, 1.005, 2.675, 9.995, 99.995, 999.995, 12.345, 3000}) {
            assertThat(PlatformLines.twoDecimals(edge)).isEqualTo(String.format(Locale.ROOT, "%.2f", edge));
        }
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 200_000; i++) {
            // up to 900 s in nanoseconds, half of them short, as durations are
            long nanos = i % 2 == 0 ? random.nextLong(900_000_000_000L) : random.nextLong(10_000_000L);
            double ms = nanos / 1e6;
            assertThat(PlatformLines.twoDecimals(ms))
                    .as("%d ns", nanos)
                    .isEqualTo(String.format(Locale.ROOT, "%.2f", ms));
        }
    }

    @Test
    void init_report_names_phase_status_and_error_type() {
        assertThat(PlatformLines.initReport(12.345, "init", "error", "Runtime.ImportModuleError"))
                .isEqualTo(
                        "INIT_REPORT Init Duration: 12.35 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError");
    }
}
