package dev.lamina.engine.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A child process in its own mount, PID, IPC and UTS namespaces, made by bubblewrap: the function's code is mounted
 * read-only at {@code /var/task}, the runtime at {@code /var/runtime}, and a fresh directory at {@code /tmp}, over a
 * read-only view of the host's {@code /usr} and {@code /etc}. The network namespace is shared, because the runtime
 * reaches its Runtime API on the host's loopback.
 *
 * <p>{@code --die-with-parent} ties the sandbox to Lamina: if the server dies, every instance dies with it.
 *
 * <p>A Java instance also gets its class-data cache directory (a host folder kept across instances) read-write at
 * {@code /var/lamina/cache}.
 */
public final class BubblewrapSandbox implements Sandbox {

    private static final SandboxPaths PATHS = new SandboxPaths("/var/task", "/var/runtime");
    private static final SandboxPaths PATHS_WITH_CACHE =
            new SandboxPaths("/var/task", "/var/runtime", "/var/lamina/cache");

    private final String bwrap;

    public BubblewrapSandbox(String bwrap) {
        this.bwrap = bwrap;
    }

    /** The bubblewrap executable on this host, or null when there is none. */
    public static String find() {
        for (String candidate : List.of("/usr/bin/bwrap", "/usr/local/bin/bwrap")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The part of the command line every instance shares: the namespaces, and a read-only view of the host's
     * {@code /usr} and {@code /etc} with the usual top-level links. Public so that benchmarks measure exactly this.
     */
    public static List<String> hostView(String bwrap) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                bwrap,
                "--die-with-parent",
                "--unshare-pid",
                "--unshare-ipc",
                "--unshare-uts",
                "--unshare-cgroup-try",
                "--ro-bind",
                "/usr",
                "/usr",
                "--ro-bind",
                "/etc",
                "/etc",
                "--proc",
                "/proc",
                "--dev",
                "/dev"));
        for (String top : List.of("bin", "sbin", "lib", "lib64", "lib32", "libx32")) {
            Path host = Path.of("/", top);
            if (Files.isSymbolicLink(host)) {
                args.addAll(List.of("--symlink", Files.readSymbolicLink(host).toString(), host.toString()));
            } else if (Files.isDirectory(host)) {
                args.addAll(List.of("--ro-bind", host.toString(), host.toString()));
            }
        }
        return args;
    }

    @Override
    public SandboxPaths paths(LaunchSpec spec) {
        return spec.cacheDirectory() != null ? PATHS_WITH_CACHE : PATHS;
    }

    @Override
    public Process start(LaunchSpec spec, SandboxPaths paths) throws IOException {
        List<String> args = hostView(bwrap);
        for (Path extra : spec.readOnlyPaths()) {
            if (!extra.startsWith("/usr") && !extra.startsWith("/etc")) {
                args.addAll(List.of("--ro-bind", extra.toString(), extra.toString()));
            }
        }
        args.addAll(List.of(
                "--ro-bind",
                spec.codeDirectory().toString(),
                paths.taskRoot(),
                "--ro-bind",
                spec.runtimeDirectory().toString(),
                paths.runtimeDir(),
                "--bind",
                spec.tmpDirectory().toString(),
                "/tmp"));
        if (spec.cacheDirectory() != null) {
            args.addAll(List.of("--bind", spec.cacheDirectory().toString(), paths.cacheDir()));
        }
        args.addAll(List.of("--chdir", paths.taskRoot(), "--"));
        args.addAll(spec.command().apply(paths));
        ProcessBuilder builder = new ProcessBuilder(args)
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

    /**
     * SIGTERM to the command only: with {@code --unshare-pid}, bubblewrap runs as this process, which starts the
     * namespace's init (a second bubblewrap), which starts the command. A signal to either bubblewrap would end the
     * namespace and SIGKILL the command before it could exit cleanly.
     */
    @Override
    public void requestExit(Process process) {
        process.children().flatMap(ProcessHandle::children).forEach(ProcessHandle::destroy);
    }

    /** bubblewrap sets {@code PWD} to the {@code --chdir} folder: a runtime started ahead is told the same. */
    @Override
    public Map<String, String> extraEnvironment(LaunchSpec spec) {
        return Map.of("PWD", paths(spec).taskRoot());
    }

    @Override
    public String name() {
        return "bubblewrap";
    }
}
