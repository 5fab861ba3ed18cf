package dev.lamina.engine.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles the Python runtime's code ({@code python/runtime.py} of the runtime folder) with each Python interpreter
 * that serves a runtime, into {@code __pycache__} as an import would, so that instances load it from bytecode: compiling
 * it in every instance cost ~9 ms of its start and ~2.4 MiB that stayed in the process (the bootstrap.py launcher
 * compiles it itself when the bytecode is missing or stale, so a failure here costs only that).
 */
public final class PythonBytecode {

    private static final Logger log = LoggerFactory.getLogger(PythonBytecode.class);

    private static final String COMPILE = "import py_compile, sys; py_compile.compile(sys.argv[1], doraise=True)";

    private PythonBytecode() {}

    /**
     * Compiles {@code runtimeDir/python/runtime.py} with every Python interpreter of {@code runtimes}.
     *
     * @return the interpreters that compiled it
     */
    public static List<Path> compile(Path runtimeDir, Runtimes runtimes) {
        Set<Path> interpreters = new LinkedHashSet<>();
        for (Map.Entry<String, Path> e : runtimes.served().entrySet()) {
            if (Runtimes.family(e.getKey()).orElse(null) == RuntimeFamily.PYTHON) {
                interpreters.add(e.getValue());
            }
        }
        Path source = runtimeDir.resolve("python").resolve("runtime.py");
        return interpreters.stream()
                .sorted()
                .filter(interpreter -> compile(interpreter, source))
                .toList();
    }

    /** Compiles {@code source} with {@code interpreter} (isolated mode: no PYTHON* variables, no user site). */
    static boolean compile(Path interpreter, Path source) {
        try {
            Process p = new ProcessBuilder(interpreter.toString(), "-I", "-c", COMPILE, source.toString())
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.warn("compiling the Python runtime with {} timed out", interpreter);
                return false;
            }
            if (p.exitValue() != 0) {
                log.warn("cannot compile the Python runtime with {}: {}", interpreter, output.strip());
                return false;
            }
            return true;
        } catch (IOException e) {
            log.warn("cannot compile the Python runtime with {}: {}", interpreter, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
