package dev.lamina.async;

import java.time.Duration;

/**
 * How asynchronous invocations are run.
 *
 * @param delayScale multiplies every delay of the retry policy (the 1 and 2 minute retries after a function error,
 *     the backoff after a throttle or a system error) and the maximum event age; 1 as on AWS, 0.01 makes a minute
 *     0.6 s for tests
 * @param maxConcurrency how many asynchronous invocations run at once, across functions
 * @param maxConcurrencyPerFunction how many asynchronous invocations of one function run at once, so that a backlog
 *     of events never takes every instance a function could have from its synchronous callers
 * @param lease how long a claim on an event holds before another dispatcher may take it; longer than any invocation
 *     (900 s timeout, 10 s init) so that only a dead process's claims expire
 * @param idlePoll the longest the dispatcher sleeps when nothing wakes it
 */
public record AsyncSettings(
        double delayScale, int maxConcurrency, int maxConcurrencyPerFunction, Duration lease, Duration idlePoll) {

    public AsyncSettings {
        if (!(delayScale > 0) || Double.isInfinite(delayScale)) {
            throw new IllegalArgumentException("the async delay scale must be a positive number, not " + delayScale);
        }
        if (maxConcurrency < 1 || maxConcurrencyPerFunction < 1) {
            throw new IllegalArgumentException("async concurrency limits must be at least 1");
        }
    }

    public static AsyncSettings defaults() {
        return new AsyncSettings(1.0, 32, 8, Duration.ofMinutes(16), Duration.ofSeconds(1));
    }

    public AsyncSettings withDelayScale(double value) {
        return new AsyncSettings(value, maxConcurrency, maxConcurrencyPerFunction, lease, idlePoll);
    }

    public AsyncSettings withConcurrency(int total, int perFunction) {
        return new AsyncSettings(delayScale, total, perFunction, lease, idlePoll);
    }

    public AsyncSettings withLease(Duration value) {
        return new AsyncSettings(delayScale, maxConcurrency, maxConcurrencyPerFunction, value, idlePoll);
    }
}
