package dev.lamina.engine.instance;

/** Told what an instance's pool needs to know. Called without the instance's lock held. */
public interface InstanceListener {

    /** The instance is gone (its process exited or never started); called exactly once. */
    void died(Instance instance);

    /** An instance started without an invocation (provisioned concurrency) finished its init and is idle. */
    default void ready(Instance instance) {}
}
