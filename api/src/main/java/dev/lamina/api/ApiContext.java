package dev.lamina.api;

import dev.lamina.controlplane.Functions;
import dev.lamina.engine.invoke.Engine;
import dev.lamina.model.Settings;
import dev.lamina.store.Store;

/** What operations work with: the control plane, the data plane, and the platform's settings. */
public record ApiContext(Functions functions, Engine engine, Settings settings, Store store, Runnable flushLogs) {}
