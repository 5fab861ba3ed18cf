package dev.lamina.engine.instance;

import static dev.lamina.engine.instance.InstanceEvent.*;
import static dev.lamina.engine.instance.InstanceState.*;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The instance lifecycle as a table: for each state, the events it accepts and the state each leads to. An event
 * missing from a state's row is illegal there. This table is the single source; docs/lifecycle.md shows it and
 * {@code LifecycleTest} checks every cell.
 *
 * <p>Notes on a few cells:
 *
 * <ul>
 *   <li>A cold start goes INITIALIZING → IDLE (first {@code /next}) → BUSY (the waiting invocation is handed over)
 *       within the runtime's first {@code /next} call.
 *   <li>BUSY → IDLE happens when the response or error is posted; the runtime's following {@code /next} is a no-op
 *       in IDLE, where it waits for the next hand-over.
 *   <li>A timed-out instance is not reused: BUSY → DEAD, and the next invocation gets a fresh instance.
 *   <li>DEAD accepts PROCESS_EXITED (the exit that follows a kill) and nothing else.
 * </ul>
 */
public final class Lifecycle {

    private static final Map<InstanceState, Map<InstanceEvent, InstanceState>> TABLE =
            new EnumMap<>(InstanceState.class);

    static {
        row(COLD, SPAWNED, INITIALIZING, DRAIN_REQUESTED, DEAD);
        row(
                INITIALIZING,
                RUNTIME_READY,
                IDLE,
                INIT_FAILED,
                DEAD,
                INIT_TIMED_OUT,
                DEAD,
                PROCESS_EXITED,
                DEAD,
                DRAIN_REQUESTED,
                DRAINING);
        row(IDLE, ASSIGNED, BUSY, RUNTIME_READY, IDLE, IDLE_EXPIRED, DEAD, DRAIN_REQUESTED, DEAD, PROCESS_EXITED, DEAD);
        row(
                BUSY,
                RESPONSE_SENT,
                IDLE,
                ERROR_SENT,
                IDLE,
                INVOKE_TIMED_OUT,
                DEAD,
                PROCESS_EXITED,
                DEAD,
                DRAIN_REQUESTED,
                DRAINING);
        row(
                DRAINING,
                RUNTIME_READY,
                DRAINING,
                ASSIGNED,
                DRAINING,
                RESPONSE_SENT,
                DEAD,
                ERROR_SENT,
                DEAD,
                INVOKE_TIMED_OUT,
                DEAD,
                INIT_FAILED,
                DEAD,
                INIT_TIMED_OUT,
                DEAD,
                PROCESS_EXITED,
                DEAD,
                DRAIN_REQUESTED,
                DRAINING,
                DRAINED,
                DEAD);
        row(DEAD, PROCESS_EXITED, DEAD);
    }

    private Lifecycle() {}

    private static void row(InstanceState from, Object... eventsAndTargets) {
        Map<InstanceEvent, InstanceState> row = new EnumMap<>(InstanceEvent.class);
        for (int i = 0; i < eventsAndTargets.length; i += 2) {
            row.put((InstanceEvent) eventsAndTargets[i], (InstanceState) eventsAndTargets[i + 1]);
        }
        TABLE.put(from, row);
    }

    /** The state that {@code event} leads to from {@code from}, or empty when the event is illegal there. */
    public static Optional<InstanceState> next(InstanceState from, InstanceEvent event) {
        return Optional.ofNullable(TABLE.get(from).get(event));
    }
}
