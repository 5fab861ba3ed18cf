package dev.lamina.benchmarks.hotpath;

import dev.lamina.engine.sandbox.LaunchSpec;
import dev.lamina.engine.sandbox.Sandbox;
import dev.lamina.engine.sandbox.SandboxPaths;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Sandbox} whose instances are threads of this JVM: each "process" is a {@link FakeRuntime} that speaks the
 * real Runtime API over HTTP to the instance's {@code RuntimeApiServer} (at the {@code AWS_LAMBDA_RUNTIME_API} of the
 * launch spec's environment). The seam returns a {@link Process}, an abstract class with a public constructor, so a
 * fake one ({@link FakeProcess}) expresses this without a child process.
 */
public final class InProcessSandbox implements Sandbox {

    private static final AtomicInteger COUNT = new AtomicInteger();

    private final ProcProbe probe;
    private final List<FakeRuntime> started = new CopyOnWriteArrayList<>();

    InProcessSandbox(ProcProbe probe) {
        this.probe = probe;
    }

    @Override
    public SandboxPaths paths(LaunchSpec spec) {
        return new SandboxPaths(
                spec.codeDirectory().toString(), spec.runtimeDirectory().toString());
    }

    @Override
    public Process start(LaunchSpec spec, SandboxPaths paths) {
        String address = spec.environment().apply(paths).get("AWS_LAMBDA_RUNTIME_API");
        FakeRuntime runtime = new FakeRuntime(address);
        started.add(runtime);
        Thread.ofPlatform()
                .daemon()
                .name("fake-runtime-" + COUNT.incrementAndGet())
                .start(runtime);
        return new FakeProcess(runtime, probe);
    }

    /** Stops every fake runtime still running (the engine does not kill those it believes gone). */
    void stopAll() {
        started.forEach(r -> r.kill(128 + 9));
    }

    @Override
    public String name() {
        return "in-process";
    }
}
