package dev.lamina.async;

import static dev.lamina.async.RetryPolicy.Outcome.FUNCTION_ERROR;
import static dev.lamina.async.RetryPolicy.Outcome.FUNCTION_NOT_FOUND;
import static dev.lamina.async.RetryPolicy.Outcome.SUCCESS;
import static dev.lamina.async.RetryPolicy.Outcome.SYSTEM_ERROR;
import static dev.lamina.async.RetryPolicy.Outcome.THROTTLED;
import static dev.lamina.async.RetryPolicy.Outcome.ZERO_RESERVED_CONCURRENCY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.async.RetryPolicy.Decision;
import dev.lamina.async.RetryPolicy.Outcome;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The retry policy, row by row: AWS's documented behaviour (surface §5, case BR-43) as a table. */
class RetryPolicyTest {

    private static final int SIX_HOURS = 21_600;
    private static final long T0 = 1_700_000_000_000L;

    private static Decision retryAt(long at) {
        return new Decision.RetryAt(at);
    }

    private static Decision failed(String condition) {
        return new Decision.Failed(condition);
    }

    /**
     * outcome, function errors before, retryable errors before, ms since received, max retries, max age s, scale,
     * expected decision (due times relative to the attempt's end, T0 + age).
     */
    static Stream<Arguments> table() {
        long now = 1_000; // the attempt ended 1 s after the event was received
        return Stream.of(
                // success, whatever came before
                Arguments.of(SUCCESS, 0, 0, now, 2, SIX_HOURS, 1.0, new Decision.Succeeded()),
                Arguments.of(SUCCESS, 2, 7, now, 2, SIX_HOURS, 1.0, new Decision.Succeeded()),
                // function errors: ~1 min, then ~2 min, then give up (default of 2 retries: 3 attempts)
                Arguments.of(FUNCTION_ERROR, 0, 0, now, 2, SIX_HOURS, 1.0, retryAt(T0 + now + 60_000)),
                Arguments.of(FUNCTION_ERROR, 1, 0, now, 2, SIX_HOURS, 1.0, retryAt(T0 + now + 120_000)),
                Arguments.of(FUNCTION_ERROR, 2, 0, now, 2, SIX_HOURS, 1.0, failed("RetriesExhausted")),
                // MaximumRetryAttempts 1 and 0
                Arguments.of(FUNCTION_ERROR, 0, 0, now, 1, SIX_HOURS, 1.0, retryAt(T0 + now + 60_000)),
                Arguments.of(FUNCTION_ERROR, 1, 0, now, 1, SIX_HOURS, 1.0, failed("RetriesExhausted")),
                Arguments.of(FUNCTION_ERROR, 0, 0, now, 0, SIX_HOURS, 1.0, failed("RetriesExhausted")),
                // throttles and system errors do not use up retries: backoff 1 s doubling to 5 min
                Arguments.of(THROTTLED, 0, 0, now, 0, SIX_HOURS, 1.0, retryAt(T0 + now + 1_000)),
                Arguments.of(THROTTLED, 2, 1, now, 2, SIX_HOURS, 1.0, retryAt(T0 + now + 2_000)),
                Arguments.of(SYSTEM_ERROR, 0, 2, now, 2, SIX_HOURS, 1.0, retryAt(T0 + now + 4_000)),
                Arguments.of(THROTTLED, 0, 8, now, 2, SIX_HOURS, 1.0, retryAt(T0 + now + 256_000)),
                Arguments.of(THROTTLED, 0, 9, now, 2, SIX_HOURS, 1.0, retryAt(T0 + now + 300_000)),
                Arguments.of(SYSTEM_ERROR, 0, 500, now, 2, SIX_HOURS, 1.0, retryAt(T0 + now + 300_000)),
                // one scale shrinks every delay: 1 minute becomes 0.6 s at 0.01
                Arguments.of(FUNCTION_ERROR, 0, 0, now, 2, SIX_HOURS, 0.01, retryAt(T0 + now + 600)),
                Arguments.of(FUNCTION_ERROR, 1, 0, now, 2, SIX_HOURS, 0.01, retryAt(T0 + now + 1_200)),
                Arguments.of(THROTTLED, 0, 0, now, 2, SIX_HOURS, 0.01, retryAt(T0 + now + 10)),
                // a retry that would fall after the event's maximum age is due when the event expires...
                Arguments.of(FUNCTION_ERROR, 0, 0, now, 2, 60, 1.0, retryAt(T0 + 60_000)),
                Arguments.of(THROTTLED, 0, 9, 21_500_000, 2, SIX_HOURS, 1.0, retryAt(T0 + 21_600_000)),
                Arguments.of(FUNCTION_ERROR, 0, 0, 100, 2, 60, 0.01, retryAt(T0 + 600)),
                // ... and an attempt that ends after it fails the event at once
                Arguments.of(THROTTLED, 0, 0, 60_000, 2, 60, 1.0, failed("EventAgeExceeded")),
                Arguments.of(FUNCTION_ERROR, 0, 0, 61_000, 2, 60, 1.0, failed("EventAgeExceeded")),
                Arguments.of(SYSTEM_ERROR, 0, 0, 21_600_000, 2, SIX_HOURS, 1.0, failed("EventAgeExceeded")),
                // exhausted retries win over age
                Arguments.of(FUNCTION_ERROR, 2, 0, 61_000, 2, 60, 1.0, failed("RetriesExhausted")),
                // reserved concurrency 0: no retries at all
                Arguments.of(
                        ZERO_RESERVED_CONCURRENCY, 0, 0, now, 2, SIX_HOURS, 1.0, failed("ZeroReservedConcurrency")),
                // the function is gone
                Arguments.of(FUNCTION_NOT_FOUND, 0, 0, now, 2, SIX_HOURS, 1.0, failed("FunctionNotFound")));
    }

    @ParameterizedTest(name = "{0} after {1} function errors, {2} throttles, at +{3} ms, retries {4}, age {5}, x{6}")
    @MethodSource("table")
    void decides_as_aws(
            Outcome outcome,
            int functionErrorsBefore,
            int retryableBefore,
            long sinceReceived,
            int maxRetries,
            int maxAge,
            double scale,
            Decision expected) {
        Decision d = RetryPolicy.afterAttempt(
                outcome, functionErrorsBefore, retryableBefore, T0, T0 + sinceReceived, maxRetries, maxAge, scale);
        assertThat(d).isEqualTo(expected);
    }

    @Test
    void an_event_expires_when_its_age_reaches_the_maximum() {
        assertThat(RetryPolicy.expired(T0, T0 + 59_999, 60, 1.0)).isFalse();
        assertThat(RetryPolicy.expired(T0, T0 + 60_000, 60, 1.0)).isTrue();
        assertThat(RetryPolicy.expired(T0, T0 + 21_599_999, SIX_HOURS, 1.0)).isFalse();
        assertThat(RetryPolicy.expired(T0, T0 + 21_600_000, SIX_HOURS, 1.0)).isTrue();
        assertThat(RetryPolicy.expired(T0, T0 + 599, 60, 0.01)).isFalse();
        assertThat(RetryPolicy.expired(T0, T0 + 600, 60, 0.01)).isTrue();
    }

    @Test
    void delays_as_documented() {
        assertThat(RetryPolicy.functionErrorDelayMillis(1, 1.0)).isEqualTo(60_000);
        assertThat(RetryPolicy.functionErrorDelayMillis(2, 1.0)).isEqualTo(120_000);
        assertThat(Stream.iterate(1, i -> i + 1).limit(11).map(i -> RetryPolicy.backoffMillis(i, 1.0)))
                .containsExactly(
                        1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 64_000L, 128_000L, 256_000L, 300_000L,
                        300_000L);
        assertThat(RetryPolicy.maxAgeMillis(RetryPolicy.DEFAULT_MAXIMUM_EVENT_AGE_SECONDS, 1.0))
                .isEqualTo(6 * 3_600_000L);
        assertThat(RetryPolicy.DEFAULT_MAXIMUM_RETRY_ATTEMPTS).isEqualTo(2);
    }

    @Test
    void only_successes_and_function_errors_reach_the_function() {
        assertThat(SUCCESS.reachedFunction()).isTrue();
        assertThat(FUNCTION_ERROR.reachedFunction()).isTrue();
        assertThat(THROTTLED.reachedFunction()).isFalse();
        assertThat(SYSTEM_ERROR.reachedFunction()).isFalse();
        assertThat(FUNCTION_NOT_FOUND.reachedFunction()).isFalse();
        assertThat(ZERO_RESERVED_CONCURRENCY.reachedFunction()).isFalse();
    }
}
