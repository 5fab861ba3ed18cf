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
    PROCESS_EXITED
}
