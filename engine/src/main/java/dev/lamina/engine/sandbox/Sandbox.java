package dev.lamina.engine.sandbox;

import java.io.IOException;
import java.util.Map;

/**
 * The one seam through which function instances are started. The invoke path sees only this interface, so a
 * stronger isolation (cgroups, user and network namespaces, a microVM) replaces the implementation without touching
 * it.
 */
public interface Sandbox {

    /** Where the function sees its code and the runtime's files inside this kind of sandbox. */
    SandboxPaths paths(LaunchSpec spec);

    /**
     * Starts the command of {@code spec}, whose paths are the ones {@link #paths} gave. The process's stdout and
     * stderr are both appended to the spec's log file. The caller owns the process and stops it with {@link #kill}.
     */
    Process start(LaunchSpec spec, SandboxPaths paths) throws IOException;

    /**
     * Variables this kind of sandbox adds to the environment of {@code spec} (after the spec's own), at start and when
     * a pre-started runtime is handed its function.
     */
    default Map<String, String> extraEnvironment(LaunchSpec spec) {
        return Map.of();
    }

    /**
     * Asks the sandboxed command to exit (SIGTERM), as a healthy instance is stopped, so that it can finish what it
     * does at exit (a JVM writes its class-data cache then). The caller kills it with {@link #kill} if it has not
     * exited within the launch's grace.
     */
    default void requestExit(Process process) {
        process.destroy();
    }

    /** Stops the process and everything it started, at once. */
    default void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** A short name for logs and the health endpoint. */
    String name();
}
