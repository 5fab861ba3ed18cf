package dev.lamina.engine.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What to start for one instance.
 *
 * @param command builds the command line from the paths the sandbox gives
 * @param environment the complete environment of the process (nothing is inherited)
 * @param codeDirectory the unzipped function code on the host, read-only
 * @param runtimeDirectory the runtime's files on the host (bootstraps, the Java runtime client)
 * @param tmpDirectory a fresh host directory that becomes the instance's /tmp, deleted when the instance stops
 * @param logFile the host file that stdout and stderr are both appended to
 * @param readOnlyPaths further host paths the command needs (an interpreter installed outside /usr)
 * @param cacheDirectory a host directory the process may read and write, kept after it stops (the Java class-data
 *     cache of docs/adr/0006-java-cold-start.md), or null
 * @param stopGrace how long a healthy process may take to exit after it is asked to ({@link Sandbox#requestExit}),
 *     before it is killed; zero kills it at once
 * @param afterExit runs once the process is gone (or never started), before its /tmp is removed
 * @param prestarted whether the command is a pre-started runtime that waits for its function: its stdin is then a
 *     pipe, on which the function's environment is handed over (docs/adr/0007-prestarted-runtimes.md); otherwise
 *     stdin is /dev/null
 */
public record LaunchSpec(
        Function<SandboxPaths, List<String>> command,
        Function<SandboxPaths, Map<String, String>> environment,
        Path codeDirectory,
        Path runtimeDirectory,
        Path tmpDirectory,
        Path logFile,
        List<Path> readOnlyPaths,
        Path cacheDirectory,
        Duration stopGrace,
        Runnable afterExit,
        boolean prestarted) {}
