package dev.lamina.api;

import dev.lamina.async.AsyncInvocations;
import dev.lamina.controlplane.Aliases;
import dev.lamina.controlplane.Concurrency;
import dev.lamina.controlplane.Functions;
import dev.lamina.controlplane.Policies;
import dev.lamina.controlplane.ProvisionedConcurrency;
import dev.lamina.controlplane.Tags;
import dev.lamina.engine.invoke.Engine;
import dev.lamina.model.Settings;
import dev.lamina.store.Store;

/** What operations work with: the control plane, the data plane, and the platform's settings. */
public record ApiContext(
        Functions functions,
        Aliases aliases,
        Concurrency concurrency,
        Tags tags,
        Policies policies,
        ProvisionedConcurrency provisioned,
        Engine engine,
        Settings settings,
        Store store,
        Runnable flushLogs,
        AsyncInvocations async) {

    /** Without asynchronous invocation: Event invokes and the event invoke config operations answer 500. */
    public ApiContext(
            Functions functions,
            Aliases aliases,
            Concurrency concurrency,
            Tags tags,
            Policies policies,
            ProvisionedConcurrency provisioned,
            Engine engine,
            Settings settings,
            Store store,
            Runnable flushLogs) {
        this(functions, aliases, concurrency, tags, policies, provisioned, engine, settings, store, flushLogs, null);
    }

    /** The same context with asynchronous invocation. */
    public ApiContext withAsync(AsyncInvocations value) {
        return new ApiContext(
                functions,
                aliases,
                concurrency,
                tags,
                policies,
                provisioned,
                engine,
                settings,
                store,
                flushLogs,
                value);
    }
}
