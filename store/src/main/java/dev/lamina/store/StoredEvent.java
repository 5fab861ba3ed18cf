package dev.lamina.store;

/**
 * One asynchronous invocation as the event queue keeps it (a row of {@code events} in events.db).
 *
 * @param seq the queue's sequence number (0 before it is stored)
 * @param requestId the request id the caller got with its 202 and the function sees on every attempt
 * @param functionName the bare function name
 * @param qualifier the version or alias the caller named, or null for an unqualified invoke
 * @param invokedArn the ARN the caller used, passed to the function as its invoked function ARN
 * @param payload the event bytes, already checked to be JSON
 * @param traceId the X-Ray trace header to pass on, or null
 * @param receivedAt epoch milliseconds when the event was accepted (or redriven): its age counts from here
 * @param state {@link #QUEUED}, {@link #RUNNING} or {@link #FAILED}; events that are done are deleted
 * @param dueAt epoch milliseconds before which a queued event is not run
 * @param leaseUntil epoch milliseconds when a running event's claim expires and it may be claimed again
 * @param claims how many times the event has been claimed; a completion names the claim it ends
 * @param invokeCount how many times the function was reached (AWS's approximateInvokeCount)
 * @param functionErrors how many attempts ended in a function error (retries used)
 * @param retryableErrors how many attempts were throttled or met a system error (backoff steps)
 * @param lastStatus the status of the last attempt that reached the function (200), or null
 * @param lastFunctionError {@code Unhandled} when that attempt failed, else null
 * @param lastExecutedVersion the version that ran on that attempt, or null
 * @param lastResponse the function's response or error document on that attempt, or null
 * @param condition why a failed event failed: {@code RetriesExhausted}, {@code EventAgeExceeded}, ...; else null
 * @param error a readable account of the last error, or null
 * @param updatedAt epoch milliseconds of the last change (for failed events: when they failed)
 */
public record StoredEvent(
        long seq,
        String requestId,
        String functionName,
        String qualifier,
        String invokedArn,
        byte[] payload,
        String traceId,
        long receivedAt,
        String state,
        long dueAt,
        long leaseUntil,
        int claims,
        int invokeCount,
        int functionErrors,
        int retryableErrors,
        Integer lastStatus,
        String lastFunctionError,
        String lastExecutedVersion,
        byte[] lastResponse,
        String condition,
        String error,
        long updatedAt) {

    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String FAILED = "failed";

    /** A new event, queued and due at once. */
    public static StoredEvent accepted(
            String requestId,
            String functionName,
            String qualifier,
            String invokedArn,
            byte[] payload,
            String traceId,
            long now) {
        return new StoredEvent(
                0,
                requestId,
                functionName,
                qualifier,
                invokedArn,
                payload,
                traceId,
                now,
                QUEUED,
                now,
                0,
                0,
                0,
                0,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                now);
    }
}
