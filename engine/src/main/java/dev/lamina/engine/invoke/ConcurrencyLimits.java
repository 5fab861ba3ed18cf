package dev.lamina.engine.invoke;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts invocations in flight per function and in the account's unreserved pool, and admits or throttles new ones
 * by {@link Admission}. Thread-safe: decisions and counts change together under this object's monitor.
 */
public final class ConcurrencyLimits {

    private final int accountLimit;
    private final Map<String, Integer> reserved = new ConcurrentHashMap<>();
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    private int unreservedInFlight;
    private int totalReserved;

    public ConcurrencyLimits(int accountLimit) {
        this.accountLimit = accountLimit;
    }

    public int accountLimit() {
        return accountLimit;
    }

    /** Sets (or, with null, removes) a function's reserved concurrency. */
    public synchronized void reserve(String functionName, Integer value) {
        Integer old = value == null ? reserved.remove(functionName) : reserved.put(functionName, value);
        totalReserved += (value == null ? 0 : value) - (old == null ? 0 : old);
    }

    public synchronized int unreservedLimit() {
        return accountLimit - totalReserved;
    }

    /** One admitted invocation; give it back with {@link #release}. */
    public record Permit(String functionName, boolean fromUnreservedPool) {}

    /** Admits one invocation of {@code functionName} or throws {@link Throttled}. */
    public synchronized Permit admit(String functionName) {
        Integer mine = reserved.get(functionName);
        int running = inFlight.getOrDefault(functionName, 0);
        Admission.Verdict verdict = Admission.decide(mine, running, unreservedInFlight, unreservedLimit());
        if (verdict != Admission.Verdict.ADMIT) {
            throw new Throttled(verdict.reason(), "Rate Exceeded.");
        }
        inFlight.put(functionName, running + 1);
        if (mine == null) {
            unreservedInFlight++;
        }
        return new Permit(functionName, mine == null);
    }

    public synchronized void release(Permit permit) {
        inFlight.merge(permit.functionName(), -1, (a, b) -> a + b == 0 ? null : a + b);
        if (permit.fromUnreservedPool()) {
            unreservedInFlight--;
        }
    }

    /** Invocations of a function running now. */
    public int inFlight(String functionName) {
        return inFlight.getOrDefault(functionName, 0);
    }
}
