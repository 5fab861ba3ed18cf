package dev.lamina.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceHelpersTest {

    @Test
    void tail_keeps_the_last_4096_bytes_of_the_log() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            lines.add("x".repeat(99));
        }
        lines.add("MARKER");
        lines.add("END RequestId: r");
        String tail = Instance.tail(lines);
        assertThat(tail.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(4096);
        assertThat(tail).endsWith("MARKER\nEND RequestId: r\n");
    }

    @Test
    void tail_never_starts_inside_a_multibyte_character() {
        List<String> lines = List.of("é".repeat(3000));
        String tail = Instance.tail(lines);
        assertThat(tail).doesNotContain("\uFFFD");
        assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    }

    @Test
    void exit_descriptions_quote_go_os_exec_as_aws_does() {
        assertThat(Instance.exitDescription(1)).isEqualTo("exit status 1");
        assertThat(Instance.exitDescription(137)).isEqualTo("signal: killed");
        assertThat(Instance.exitDescription(143)).isEqualTo("signal: terminated");
    }

    @Test
    void platform_error_types_keep_runtime_and_function_types_only() {
        assertThat(Instance.platformErrorType("Runtime.ImportModuleError")).isEqualTo("Runtime.ImportModuleError");
        assertThat(Instance.platformErrorType("Function.Whatever")).isEqualTo("Function.Whatever");
        assertThat(Instance.platformErrorType("Custom.Fail")).isEqualTo("Runtime.Unknown");
        assertThat(Instance.platformErrorType(null)).isEqualTo("Runtime.Unknown");
    }

    @Test
    void error_documents_escape_their_message() {
        assertThat(new String(Instance.errorDocument("Runtime.ExitError", "a \"b\"\nc"), StandardCharsets.UTF_8))
                .isEqualTo("{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"a \\\"b\\\"\\nc\"}");
    }
}
