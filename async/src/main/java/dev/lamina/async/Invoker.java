package dev.lamina.async;

import dev.lamina.store.StoredEvent;

/** Runs one attempt of an asynchronous event; never throws. The seam between the queue and the data plane. */
@FunctionalInterface
public interface Invoker {
    Attempt invoke(StoredEvent event);
}
