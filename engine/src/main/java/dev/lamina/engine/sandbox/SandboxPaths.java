package dev.lamina.engine.sandbox;

/**
 * Paths as seen from inside a sandbox.
 *
 * @param taskRoot the function's code ({@code /var/task} when the sandbox can mount it there)
 * @param runtimeDir the runtime's own files ({@code /var/runtime} likewise)
 * @param cacheDir the instance's writable cache directory ({@code /var/lamina/cache} likewise), or null when the
 *     launch has none
 */
public record SandboxPaths(String taskRoot, String runtimeDir, String cacheDir) {

    /** Paths of a launch without a cache directory. */
    public SandboxPaths(String taskRoot, String runtimeDir) {
        this(taskRoot, runtimeDir, null);
    }
}
