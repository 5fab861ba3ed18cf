package dev.lamina.model;

/**
 * One synchronous invocation request, as the data plane receives it.
 *
 * @param requestId the request id the caller and the function both see (UUID, lower case)
 * @param payload the event bytes, already checked to be JSON; never empty ({@code {}} stands for no payload)
 * @param invokedFunctionArn the ARN the caller used, with its qualifier if any
 * @param tailLog whether the caller asked for the last 4 KB of the log ({@code X-Amz-Log-Type: Tail})
 * @param clientContext the decoded client context JSON, or null
 * @param traceId the X-Ray trace header to pass on, or null
 */
public record Invocation(
        String requestId,
        byte[] payload,
        String invokedFunctionArn,
        boolean tailLog,
        String clientContext,
        String traceId) {}
