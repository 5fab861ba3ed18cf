package dev.lamina.engine.instance;

/**
 * The closed set of states of a function instance. See {@link Lifecycle} for the transitions and docs/lifecycle.md
 * for the table in prose.
 */
public enum InstanceState {
    /** The instance exists but its process has not been started. */
    COLD,
    /** The process runs the runtime's init; it ends at the runtime's first {@code /next}. */
    INITIALIZING,
    /** The runtime waits in {@code /next}; the instance can take an invocation. */
    IDLE,
    /** An invocation has been handed to the runtime; its response, error or timeout is pending. */
    BUSY,
    /** No new work is placed here; what it holds finishes, then the process is stopped. */
    DRAINING,
    /** The process is gone or being stopped. Terminal. */
    DEAD
}
