package dev.lamina.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** One operation of the API: decodes its request, calls the control or data plane, encodes the answer. */
@FunctionalInterface
public interface Operation {
    /** Answers the request; throws {@link dev.lamina.controlplane.LambdaException} for AWS's errors. */
    ApiResponse handle(ApiRequest request);

    /**
     * Answers the request from a thread that must not block (the HTTP server's selector): work that may wait (the
     * store, a new instance) runs on {@code blocking}. May throw as {@link #handle} does, or complete exceptionally.
     * By default all of {@link #handle} runs on {@code blocking}; the invoke hot path overrides it to hand a warm
     * invocation over without a thread switch.
     */
    default CompletableFuture<ApiResponse> start(ApiRequest request, Executor blocking) {
        return CompletableFuture.supplyAsync(() -> handle(request), blocking);
    }
}
