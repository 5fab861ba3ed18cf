package dev.lamina.engine.pool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Which idle instances to stop to make room in the memory budget, as a pure function: least recently used first. */
public final class Eviction {

    /** An idle instance that could be stopped. */
    public record Candidate<T>(T instance, long idleSinceNanos, int memoryMb) {}

    private Eviction() {}

    /**
     * The fewest least-recently-used candidates whose memory, added to {@code freeMb}, covers {@code neededMb}; empty
     * when even all of them would not (then stopping any would be useless).
     */
    public static <T> List<T> choose(List<Candidate<T>> idle, int neededMb, long freeMb) {
        if (freeMb >= neededMb) {
            return List.of();
        }
        List<Candidate<T>> oldestFirst = new ArrayList<>(idle);
        oldestFirst.sort(Comparator.comparingLong(Candidate::idleSinceNanos));
        List<T> chosen = new ArrayList<>();
        long free = freeMb;
        for (Candidate<T> c : oldestFirst) {
            chosen.add(c.instance());
            free += c.memoryMb();
            if (free >= neededMb) {
                return chosen;
            }
        }
        return List.of();
    }
}
