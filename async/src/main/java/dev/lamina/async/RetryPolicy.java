package dev.lamina.async;

/**
 * What happens to an asynchronous event after an attempt, as AWS Lambda does it, as pure functions of the attempt's
 * outcome, the event's history and its function's event invoke config.
 *
 * <ul>
 *   <li>A function error (an error document, a timeout, a crash) is retried up to {@code MaximumRetryAttempts} times
 *       (default 2): about 1 minute after the first failure, about 2 minutes after the second.
 *   <li>A throttle or a system error is retried with exponential backoff, 1 s doubling up to 5 minutes, for as long
 *       as the event is younger than {@code MaximumEventAgeInSeconds} (default 21,600 = 6 hours); these attempts do
 *       not use up retries.
 *   <li>A function whose reserved concurrency is 0 gets no retries: its events fail at once (AWS sends them
 *       straight to the dead-letter queue or on-failure destination).
 *   <li>An event older than its maximum age is not run again: it fails with {@code EventAgeExceeded}. A retry that
 *       would fall after that moment is due at that moment, and fails then, as the event leaves AWS's queue when it
 *       expires.
 * </ul>
 *
 * <p>{@code scale} multiplies every delay and the maximum age, so that tests see a minute as a fraction of a second.
 */
public final class RetryPolicy {

    public static final int DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2;
    public static final int DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21_600;

    /** The delay before retry n after a function error is n times this: 1 minute, then 2 minutes. */
    static final long FUNCTION_ERROR_DELAY_MILLIS = 60_000;

    static final long BACKOFF_FIRST_MILLIS = 1_000;
    static final long BACKOFF_MAX_MILLIS = 300_000;

    /** The conditions an invocation record names. */
    public static final String SUCCESS = "Success";

    public static final String RETRIES_EXHAUSTED = "RetriesExhausted";
    public static final String EVENT_AGE_EXCEEDED = "EventAgeExceeded";
    /** The function's reserved concurrency is 0: its events are not retried (the name LocalStack uses ⚠️). */
    public static final String ZERO_RESERVED_CONCURRENCY = "ZeroReservedConcurrency";
    /** Lamina's own: the function (or the version the event named) was deleted before the event ran. */
    public static final String FUNCTION_NOT_FOUND = "FunctionNotFound";

    /** How an attempt ended. */
    public enum Outcome {
        /** The function returned a result. */
        SUCCESS,
        /** The function failed: an error document, a timeout, a crash or an init error. */
        FUNCTION_ERROR,
        /** The invocation was refused for lack of concurrency; nothing ran. */
        THROTTLED,
        /** The platform failed to run the invocation; nothing useful ran. */
        SYSTEM_ERROR,
        /** The function's reserved concurrency is 0: every invocation is throttled, so none is retried. */
        ZERO_RESERVED_CONCURRENCY,
        /** The function or its version no longer exists. */
        FUNCTION_NOT_FOUND;

        /** Whether the attempt reached the function's code (counts in approximateInvokeCount). */
        public boolean reachedFunction() {
            return this == SUCCESS || this == FUNCTION_ERROR;
        }
    }

    /** What to do with the event. */
    public sealed interface Decision {
        /** Done: send the on-success record, if any. */
        record Succeeded() implements Decision {}

        /** Queue again, due at {@code dueAt} (epoch ms). */
        record RetryAt(long dueAt) implements Decision {}

        /** Give up: send the on-failure record, if any, or keep the event as failed. */
        record Failed(String condition) implements Decision {}
    }

    private RetryPolicy() {}

    /** The delay before retry {@code retry} (1-based) after a function error. */
    public static long functionErrorDelayMillis(int retry, double scale) {
        return scaled(FUNCTION_ERROR_DELAY_MILLIS * retry, scale);
    }

    /** The delay after the {@code step}th (1-based) throttle or system error in a row: 1 s, 2 s, 4 s ... 5 min. */
    public static long backoffMillis(int step, double scale) {
        int shift = Math.clamp(step - 1, 0, 20);
        return scaled(Math.min(BACKOFF_FIRST_MILLIS << shift, BACKOFF_MAX_MILLIS), scale);
    }

    /** The maximum age of an event, in milliseconds. */
    public static long maxAgeMillis(int maxEventAgeSeconds, double scale) {
        return scaled(maxEventAgeSeconds * 1000L, scale);
    }

    /** Whether an event received at {@code receivedAt} is too old to run at {@code now}. */
    public static boolean expired(long receivedAt, long now, int maxEventAgeSeconds, double scale) {
        return now - receivedAt >= maxAgeMillis(maxEventAgeSeconds, scale);
    }

    /**
     * The decision after an attempt that ended at {@code now}.
     *
     * @param functionErrorsBefore the attempts of this event that ended in a function error before this one
     * @param retryableErrorsBefore the throttles and system errors of this event before this one
     */
    public static Decision afterAttempt(
            Outcome outcome,
            int functionErrorsBefore,
            int retryableErrorsBefore,
            long receivedAt,
            long now,
            int maxRetryAttempts,
            int maxEventAgeSeconds,
            double scale) {
        return switch (outcome) {
            case SUCCESS -> new Decision.Succeeded();
            case FUNCTION_NOT_FOUND -> new Decision.Failed(FUNCTION_NOT_FOUND);
            case ZERO_RESERVED_CONCURRENCY -> new Decision.Failed(ZERO_RESERVED_CONCURRENCY);
            case FUNCTION_ERROR -> {
                int retry = functionErrorsBefore + 1;
                if (retry > maxRetryAttempts) {
                    yield new Decision.Failed(RETRIES_EXHAUSTED);
                }
                yield retryOrExpire(
                        now + functionErrorDelayMillis(retry, scale), receivedAt, now, maxEventAgeSeconds, scale);
            }
            case THROTTLED, SYSTEM_ERROR ->
                retryOrExpire(
                        now + backoffMillis(retryableErrorsBefore + 1, scale),
                        receivedAt,
                        now,
                        maxEventAgeSeconds,
                        scale);
        };
    }

    private static Decision retryOrExpire(
            long retryAt, long receivedAt, long now, int maxEventAgeSeconds, double scale) {
        long expiresAt = receivedAt + maxAgeMillis(maxEventAgeSeconds, scale);
        if (now >= expiresAt) {
            return new Decision.Failed(EVENT_AGE_EXCEEDED);
        }
        return new Decision.RetryAt(Math.min(retryAt, expiresAt));
    }

    private static long scaled(long millis, double scale) {
        return Math.max(0, Math.round(millis * scale));
    }
}
