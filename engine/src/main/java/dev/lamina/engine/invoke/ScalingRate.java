package dev.lamina.engine.invoke;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How fast each function may add instances: on AWS, 1,000 new execution environments every 10 seconds per function.
 * A token bucket per function, full at the start, refilled continuously; a cold start takes one token.
 */
public final class ScalingRate {

    private final int perTenSeconds;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long lastNanos;
    }

    public ScalingRate(int perTenSeconds, LongSupplier nanoClock) {
        this.perTenSeconds = perTenSeconds;
        this.nanoClock = nanoClock;
    }

    /** Takes a token for a new instance of {@code functionName}; answers false when the function scales too fast. */
    public boolean tryStart(String functionName) {
        long now = nanoClock.getAsLong();
        Bucket b = buckets.computeIfAbsent(functionName, k -> {
            Bucket fresh = new Bucket();
            fresh.tokens = perTenSeconds;
            fresh.lastNanos = now;
            return fresh;
        });
        synchronized (b) {
            b.tokens = Math.min(perTenSeconds, b.tokens + (now - b.lastNanos) * perTenSeconds / 10e9);
            b.lastNanos = now;
            if (b.tokens < 1) {
                return false;
            }
            b.tokens -= 1;
            return true;
        }
    }
}
