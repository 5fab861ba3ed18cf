package dev.lamina.engine.sandbox;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A plain child process: no namespaces. The function sees its code at its real path and gets {@code TMPDIR} for its
 * private temporary files (and its cache directory, if any, at its real path). Used where bubblewrap is not installed;
 * {@link BubblewrapSandbox} is the default.
 */
public final class ProcessSandbox implements Sandbox {

    @Override
    public SandboxPaths paths(LaunchSpec spec) {
        return new SandboxPaths(
                spec.codeDirectory().toString(),
                spec.runtimeDirectory().toString(),
                spec.cacheDirectory() != null ? spec.cacheDirectory().toString() : null);
    }

    @Override
    public Process start(LaunchSpec spec, SandboxPaths paths) throws IOException {
        List<String> command = spec.command().apply(paths);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(spec.codeDirectory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                .redirectInput(
                        spec.prestarted()
                                ? ProcessBuilder.Redirect.PIPE
                                : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(spec.environment().apply(paths));
        builder.environment().putAll(extraEnvironment(spec));
        return builder.start();
    }

    @Override
    public Map<String, String> extraEnvironment(LaunchSpec spec) {
        return Map.of("TMPDIR", spec.tmpDirectory().toString());
    }

    @Override
    public String name() {
        return "process";
    }
}
