package dev.lamina.engine.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What Lamina writes to the stdin of a runtime started ahead, to hand it its function
 * (docs/adr/0007-prestarted-runtimes.md). Pure.
 */
public final class HandOver {

    private HandOver() {}

    /**
     * For Lamina's bootstraps and the Java launcher: the function's whole environment as {@code NAME=VALUE} entries,
     * each ended by a NUL byte (as in /proc/PID/environ), UTF-8. The runtime replaces its environment with them.
     */
    public static byte[] environmentEntries(Map<String, String> environment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        environment.forEach((name, value) -> {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("not an environment entry: " + name);
            }
            out.writeBytes((name + "=" + value).getBytes(StandardCharsets.UTF_8));
            out.write(0);
        });
        return out.toByteArray();
    }

    /**
     * For a custom runtime's stand-in shell ({@link LaunchPlans#CUSTOM_RUNTIME_STAND_IN}): a script that exports the
     * function's environment and execs its {@code bootstrap} with stdin /dev/null. Names must be shell names
     * ({@link PrestartKey#of} sees to it); values are single-quoted.
     */
    public static byte[] shellScript(Map<String, String> environment, String bootstrap) {
        StringBuilder out = new StringBuilder(2048);
        environment.forEach((name, value) -> out.append("export ")
                .append(name)
                .append("='")
                .append(value.replace("'", "'\\''"))
                .append("'\n"));
        out.append("exec ").append(bootstrap).append(" </dev/null\n");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
