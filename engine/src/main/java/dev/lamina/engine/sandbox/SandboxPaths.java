package dev.lamina.engine.sandbox;

/**
 * Paths as seen from inside a sandbox.
 *
 * @param taskRoot the function's code ({@code /var/task} when the sandbox can mount it there)
 * @param runtimeDir the runtime's own files ({@code /var/runtime} likewise)
 */
public record SandboxPaths(String taskRoot, String runtimeDir) {}
