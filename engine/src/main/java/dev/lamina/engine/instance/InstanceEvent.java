package dev.lamina.engine.instance;

/** What can happen to an instance: facts in the past tense, the one command ({@link #DRAIN_REQUESTED}) as a request. */
public enum InstanceEvent {
    SPAWNED,
    RUNTIME_READY,
    INIT_FAILED,
    INIT_TIMED_OUT,
    ASSIGNED,
    RESPONSE_SENT,
    ERROR_SENT,
    INVOKE_TIMED_OUT,
    IDLE_EXPIRED,
    DRAIN_REQUESTED,
    /** A draining instance's runtime became ready with no invocation left for it. */
    DRAINED,
    PROCESS_EXITED
}
