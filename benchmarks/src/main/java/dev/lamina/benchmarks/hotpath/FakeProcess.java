package dev.lamina.benchmarks.hotpath;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The {@link Process} that {@link InProcessSandbox} hands to the engine: its "process" is a {@link FakeRuntime} thread.
 *
 * <p>The engine reads a process's memory on every invocation (the REPORT line's Max Memory Used): it takes
 * {@code toHandle()} and {@code descendants()} and reads {@code /proc/<pid>/status} for each. So that this cost stays
 * in the measurement, {@link ProcProbe#REAL} makes {@code toHandle()} name this JVM (one status file read) and
 * {@code descendants()} scan {@code /proc} as the JDK does for a real child, then answer nothing (nothing of this JVM
 * is ever killed); the other {@link ProcProbe} values take parts of that away, to show what they cost.
 */
final class FakeProcess extends Process {

    private final FakeRuntime runtime;
    private final ProcProbe probe;
    private final CompletableFuture<Process> onExit;

    FakeProcess(FakeRuntime runtime, ProcProbe probe) {
        this.runtime = runtime;
        this.probe = probe;
        this.onExit = runtime.exit.thenApply(status -> this);
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() {
        return runtime.exit.join();
    }

    @Override
    public int exitValue() {
        if (!runtime.exit.isDone()) {
            throw new IllegalThreadStateException("the fake runtime is running");
        }
        return runtime.exit.join();
    }

    @Override
    public void destroy() {
        runtime.kill(128 + 15);
    }

    @Override
    public Process destroyForcibly() {
        runtime.kill(128 + 9);
        return this;
    }

    @Override
    public boolean isAlive() {
        return probe != ProcProbe.OFF && !runtime.exit.isDone();
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return onExit;
    }

    @Override
    public ProcessHandle toHandle() {
        return new SelfHandle();
    }

    @Override
    public Stream<ProcessHandle> children() {
        return Stream.empty();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        if (probe != ProcProbe.REAL) {
            return Stream.empty();
        }
        // The JDK walks all of /proc to find descendants; keep that cost, answer nothing.
        return ProcessHandle.current().descendants().filter(h -> false);
    }

    /** Names this JVM's pid so that /proc reads succeed; can neither be destroyed nor waited on. */
    private final class SelfHandle implements ProcessHandle {
        @Override
        public long pid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public Optional<ProcessHandle> parent() {
            return Optional.empty();
        }

        @Override
        public Stream<ProcessHandle> children() {
            return Stream.empty();
        }

        @Override
        public Stream<ProcessHandle> descendants() {
            return FakeProcess.this.descendants();
        }

        @Override
        public Info info() {
            return ProcessHandle.current().info();
        }

        @Override
        public CompletableFuture<ProcessHandle> onExit() {
            return onExit.thenApply(p -> this);
        }

        @Override
        public boolean supportsNormalTermination() {
            return true;
        }

        @Override
        public boolean destroy() {
            return false;
        }

        @Override
        public boolean destroyForcibly() {
            return false;
        }

        @Override
        public boolean isAlive() {
            return !runtime.exit.isDone();
        }

        @Override
        public int compareTo(ProcessHandle other) {
            return Long.compare(pid(), other.pid());
        }
    }
}
