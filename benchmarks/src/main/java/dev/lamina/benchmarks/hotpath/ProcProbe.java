package dev.lamina.benchmarks.hotpath;

/**
 * How much of the engine's per-invocation memory probe (REPORT's Max Memory Used, {@code Instance.maxMemoryUsedMb})
 * a {@link FakeProcess} lets happen, so that each part's cost shows as a difference:
 *
 * <ul>
 *   <li>{@code REAL}: as for a real child: {@code descendants()} scans all of /proc, and the process's
 *       {@code /proc/PID/status} is read (this JVM's, standing for the runtime's);
 *   <li>{@code STATUS}: the status read only (what the probe would cost with the instance's pids known in advance);
 *   <li>{@code OFF}: no probe ({@code isAlive()} answers false, which the probe takes as "nothing to read").
 * </ul>
 */
public enum ProcProbe {
    REAL,
    STATUS,
    OFF
}
