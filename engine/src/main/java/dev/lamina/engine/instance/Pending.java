package dev.lamina.engine.instance;

import dev.lamina.model.Invocation;
import dev.lamina.model.InvocationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One invocation on its way through an instance. Its fields other than {@link #result} are guarded by the owning
 * instance's lock.
 */
public final class Pending {

    final Invocation invocation;
    final CompletableFuture<InvocationResult> result = new CompletableFuture<>();
    /**
     * The lines of this invocation's log, START to REPORT (and the init lines on a cold start), for the tail; kept
     * only when the caller asked for the tail.
     */
    final List<String> lines = new ArrayList<>();

    Double initDurationMs;
    /** When the invocation was placed; reset when it is handed to the runtime (START). */
    long startNanos = System.nanoTime();

    ScheduledFuture<?> timer;

    public Pending(Invocation invocation) {
        this.invocation = invocation;
    }

    public Invocation invocation() {
        return invocation;
    }

    public String requestId() {
        return invocation.requestId();
    }

    /** Completes when the invocation has a result: response, error, timeout or crash. Never fails. */
    public CompletableFuture<InvocationResult> result() {
        return result;
    }
}
