package dev.lamina.engine.runtime;

import dev.lamina.model.FunctionDeployment;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a pre-started runtime must match to take on a function: everything its start depended on. A runtime's
 * command line depends on the runtime identifier and, through heap flags, on the memory size; nothing else of the
 * function is known when it starts (docs/adr/0007-prestarted-runtimes.md). Whether this host can start runtimes of a
 * key ahead is {@code LaunchPlans.canPrestart}'s to say.
 */
public record PrestartKey(String runtime, int memorySize) {

    /**
     * Variables that an interpreter or the dynamic loader reads when the process starts, before any of the function
     * is known. A function that sets one of them must start its own process, or it would not take effect.
     */
    static final List<String> READ_AT_START = List.of(
            "PYTHON", // PYTHONPATH, PYTHONHASHSEED, PYTHONDONTWRITEBYTECODE, PYTHONWARNINGS, ...
            "NODE_", // NODE_OPTIONS, NODE_PATH, NODE_EXTRA_CA_CERTS, ...
            "UV_THREADPOOL_SIZE",
            "OPENSSL_",
            "HOME", // Python's site module looks for user site-packages under it
            "LD_",
            "MALLOC_",
            "GLIBC_TUNABLES",
            "LANG",
            "LC_",
            "CLASSPATH",
            "JAVA_TOOL_OPTIONS",
            "JDK_JAVA_OPTIONS",
            "_JAVA_OPTIONS",
            "AWS_LAMBDA_EXEC_WRAPPER");

    private static final Pattern SHELL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The families whose runtimes can wait for their function (the others start their own process per instance). */
    static final List<RuntimeFamily> FAMILIES =
            List.of(RuntimeFamily.PYTHON, RuntimeFamily.NODEJS, RuntimeFamily.JAVA, RuntimeFamily.PROVIDED);

    /** The key of a deployment, or empty when its instances must start their own process. */
    public static Optional<PrestartKey> of(FunctionDeployment d) {
        RuntimeFamily family = Runtimes.family(d.runtime()).orElse(null);
        if (family == null || !FAMILIES.contains(family)) {
            return Optional.empty();
        }
        for (String name : d.environment().keySet()) {
            if (READ_AT_START.stream().anyMatch(name::startsWith)) {
                return Optional.empty();
            }
            if (family == RuntimeFamily.PROVIDED && !SHELL_NAME.matcher(name).matches()) {
                return Optional.empty(); // the stand-in shell could not export it
            }
        }
        return Optional.of(new PrestartKey(d.runtime(), d.memorySize()));
    }

    public RuntimeFamily family() {
        return Runtimes.family(runtime).orElseThrow();
    }
}
