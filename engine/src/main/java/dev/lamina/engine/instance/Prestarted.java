package dev.lamina.engine.instance;

import dev.lamina.engine.EngineConfig;
import dev.lamina.engine.runtime.LaunchPlans;
import dev.lamina.engine.runtime.PrestartKey;
import dev.lamina.engine.runtimeapi.Response;
import dev.lamina.engine.runtimeapi.RuntimeApi;
import dev.lamina.engine.runtimeapi.RuntimeApiServer;
import dev.lamina.engine.runtimeapi.WaitingNext;
import dev.lamina.engine.sandbox.HostFolders;
import dev.lamina.engine.sandbox.LaunchSpec;
import dev.lamina.engine.sandbox.SandboxPaths;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A runtime started in its sandbox before any function was known, waiting on stdin for one
 * (docs/adr/0007-prestarted-runtimes.md). An {@link Instance} takes it on: it fills its {@code /var/task} in place,
 * attaches its Runtime API and hands it the function's environment; the runtime then loads the handler as after a
 * normal start. Until then its Runtime API answers nothing useful, and nothing asks it.
 *
 * <p>Thread-safe: it is either {@link #take taken} (once) or {@link #discard discarded}, never both.
 */
public final class Prestarted {

    private final PrestartKey key;
    private final Process process;
    private final RuntimeApiServer server;
    private final Attachable api;
    private final LaunchSpec spec;
    private final SandboxPaths paths;
    private final EngineConfig config;
    private final AtomicBoolean claimed = new AtomicBoolean();
    /** The runtime's process tree, found ahead (null until then): REPORT's memory probe needs it. */
    private volatile long[] tree;

    private Prestarted(
            PrestartKey key,
            Process process,
            RuntimeApiServer server,
            Attachable api,
            LaunchSpec spec,
            SandboxPaths paths,
            EngineConfig config) {
        this.key = key;
        this.process = process;
        this.server = server;
        this.api = api;
        this.spec = spec;
        this.paths = paths;
        this.config = config;
    }

    /** Starts a runtime of {@code key} that waits for its function. */
    public static Prestarted start(PrestartKey key, EngineConfig config, LaunchPlans plans) throws IOException {
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        String id = "pre-" + HexFormat.of().formatHex(random);
        Path dir = config.instancesDirectory();
        Files.createDirectories(dir);
        Path tmp = null;
        Path task = null;
        Path logFile = null;
        RuntimeApiServer server = null;
        try {
            tmp = Files.createTempDirectory(dir, id);
            task = Files.createDirectory(dir.resolve(id + ".task"));
            logFile = Files.createFile(dir.resolve(id + ".log"));
            Attachable api = new Attachable();
            server = new RuntimeApiServer(api);
            LaunchSpec spec = plans.prestartPlan(key, server.address(), task, tmp, logFile);
            SandboxPaths paths = config.sandbox().paths(spec);
            Process process = config.sandbox().start(spec, paths);
            Prestarted prestarted = new Prestarted(key, process, server, api, spec, paths, config);
            process.onExit().thenRun(prestarted::discard);
            return prestarted;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            for (Path p : new Path[] {tmp, task, logFile}) {
                if (p != null) {
                    HostFolders.deleteTree(p);
                }
            }
            throw e;
        }
    }

    /** Claims this runtime for one instance; false if it is gone or was claimed or discarded before. */
    public boolean take() {
        return process.isAlive() && claimed.compareAndSet(false, true);
    }

    /** Stops the runtime and removes its folders, unless an instance took it (the instance owns it then). */
    public void discard() {
        if (!claimed.compareAndSet(false, true)) {
            return;
        }
        server.close();
        if (process.isAlive()) {
            config.sandbox().kill(process);
        }
        process.onExit().thenRun(() -> {
            spec.afterExit().run();
            HostFolders.deleteTree(spec.tmpDirectory());
            HostFolders.deleteTree(spec.logFile());
        });
    }

    public PrestartKey key() {
        return key;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Finds the runtime's process tree ahead, so that the first REPORT of the instance that takes it on does not walk
     * all of /proc (about a millisecond, more on a busy machine). Waits (up to 2 s) until the sandbox has started the
     * command itself, i.e. the tree holds a process that is not bubblewrap.
     */
    public void learnTree() throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (process.isAlive() && System.nanoTime() < deadline) {
            List<ProcessHandle> all = java.util.stream.Stream.concat(
                            java.util.stream.Stream.of(process.toHandle()), process.descendants())
                    .toList();
            boolean commandRuns = all.stream()
                    .anyMatch(h -> !h.info().command().orElse("bwrap").endsWith("/bwrap"));
            if (commandRuns) {
                tree = all.stream().mapToLong(ProcessHandle::pid).toArray();
                return;
            }
            Thread.sleep(10);
        }
    }

    /** Completes when the runtime's process has exited (taken or not). */
    public java.util.concurrent.CompletableFuture<Process> exited() {
        return process.onExit();
    }

    // ---- For the instance that takes it on ----------------------------------------------------------------------

    Process process() {
        return process;
    }

    RuntimeApiServer server() {
        return server;
    }

    LaunchSpec spec() {
        return spec;
    }

    SandboxPaths paths() {
        return paths;
    }

    /** The process tree found ahead, or null. */
    long[] tree() {
        return tree;
    }

    /** Makes the function's code appear at the runtime's {@code /var/task}. */
    void fill(Path codeDirectory) throws IOException {
        HostFolders.linkTree(codeDirectory, spec.codeDirectory());
    }

    /** From now on the Runtime API's requests go to {@code instance}. */
    void attach(RuntimeApi instance) {
        api.target = instance;
    }

    /** Writes the hand-over to the runtime's stdin and closes it: the runtime goes on from there. */
    void handOver(byte[] handOver) throws IOException {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(handOver);
        }
    }

    /** The Runtime API of a runtime that has no function yet: the runtime does not call it before the hand-over. */
    private static final class Attachable implements RuntimeApi {
        private volatile RuntimeApi target;

        @Override
        public Response next(WaitingNext waiting) {
            RuntimeApi t = target;
            return t == null ? notYet() : t.next(waiting);
        }

        @Override
        public Response response(String requestId, byte[] body) {
            RuntimeApi t = target;
            return t == null ? notYet() : t.response(requestId, body);
        }

        @Override
        public Response error(String requestId, String errorType, byte[] body) {
            RuntimeApi t = target;
            return t == null ? notYet() : t.error(requestId, errorType, body);
        }

        @Override
        public Response responseTooLarge(String requestId) {
            RuntimeApi t = target;
            return t == null ? notYet() : t.responseTooLarge(requestId);
        }

        @Override
        public Response initError(String errorType, byte[] body) {
            RuntimeApi t = target;
            return t == null ? notYet() : t.initError(errorType, body);
        }

        private static Response notYet() {
            return Response.json(
                    403,
                    RuntimeApi.errorBody(
                            "InvalidStateTransition", "No function has been handed over to this runtime yet."));
        }
    }
}
