package dev.lamina.engine.invoke;

/**
 * Whether one more invocation of a function may run now: the concurrency rules of AWS Lambda as a pure function.
 *
 * <p>A function with reserved concurrency runs at most that many invocations at once, from its own reservation. A
 * function without shares the account's unreserved pool: the account limit minus every reservation.
 */
public final class Admission {

    /** The verdict; the throttles carry the {@code Reason} AWS puts in its 429. */
    public enum Verdict {
        ADMIT,
        RESERVED_LIMIT("ReservedFunctionConcurrentInvocationLimitExceeded"),
        ACCOUNT_LIMIT("ConcurrentInvocationLimitExceeded");

        private final String reason;

        Verdict() {
            this(null);
        }

        Verdict(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    private Admission() {}

    /**
     * @param reserved the function's reserved concurrency, or null when it has none
     * @param inFlight the function's invocations running now
     * @param unreservedInFlight invocations running now of all functions without a reservation
     * @param unreservedLimit the account limit minus all reservations
     */
    public static Verdict decide(Integer reserved, int inFlight, int unreservedInFlight, int unreservedLimit) {
        if (reserved != null) {
            return inFlight < reserved ? Verdict.ADMIT : Verdict.RESERVED_LIMIT;
        }
        return unreservedInFlight < unreservedLimit ? Verdict.ADMIT : Verdict.ACCOUNT_LIMIT;
    }
}
