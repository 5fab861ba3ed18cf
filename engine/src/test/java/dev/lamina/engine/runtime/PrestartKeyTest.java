package dev.lamina.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.model.FunctionDeployment;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrestartKeyTest {

    private static FunctionDeployment deployment(String runtime, int memory, Map<String, String> env) {
        return new FunctionDeployment(
                "f",
                "$LATEST",
                "arn:aws:lambda:us-east-1:000000000000:function:f",
                runtime,
                "index.handler",
                memory,
                3,
                env,
                Path.of("/code"),
                "r1");
    }

    @Test
    void the_key_is_the_runtime_and_the_memory_size() {
        assertThat(PrestartKey.of(deployment("python3.12", 256, Map.of("TABLE", "t"))))
                .contains(new PrestartKey("python3.12", 256));
        assertThat(PrestartKey.of(deployment("nodejs20.x", 128, Map.of())))
                .contains(new PrestartKey("nodejs20.x", 128));
        assertThat(PrestartKey.of(deployment("provided.al2023", 128, Map.of("TABLE", "t"))))
                .contains(new PrestartKey("provided.al2023", 128));
        assertThat(PrestartKey.of(deployment("provided.al2", 256, Map.of())))
                .contains(new PrestartKey("provided.al2", 256));
    }

    @Test
    void unknown_runtimes_start_their_own_process() {
        assertThat(PrestartKey.of(deployment("java21", 512, Map.of()))).contains(new PrestartKey("java21", 512));
        assertThat(PrestartKey.of(deployment("ruby3.3", 128, Map.of()))).isEmpty();
    }

    @Test
    void variables_read_when_the_process_starts_rule_it_out() {
        for (String name : new String[] {
            "PYTHONPATH",
            "PYTHONHASHSEED",
            "NODE_OPTIONS",
            "NODE_PATH",
            "LD_PRELOAD",
            "LD_LIBRARY_PATH",
            "LANG",
            "LC_ALL",
            "MALLOC_ARENA_MAX",
            "GLIBC_TUNABLES",
            "UV_THREADPOOL_SIZE",
            "AWS_LAMBDA_EXEC_WRAPPER",
            "CLASSPATH",
            "HOME",
            "OPENSSL_CONF"
        }) {
            assertThat(PrestartKey.of(deployment("provided.al2023", 128, Map.of(name, "x"))))
                    .as(name)
                    .isEmpty();
        }
        assertThat(PrestartKey.of(deployment("provided.al2023", 128, Map.of("MY_LANGUAGE", "x"))))
                .isPresent();
    }

    @Test
    void a_custom_runtime_needs_names_its_stand_in_shell_can_export() {
        assertThat(PrestartKey.of(deployment("provided.al2", 128, Map.of("a-b", "x"))))
                .isEmpty();
        assertThat(PrestartKey.of(deployment("provided.al2", 128, Map.of("_A1", "x"))))
                .isPresent();
    }
}
