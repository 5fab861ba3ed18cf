package dev.lamina.model;

/**
 * What a synchronous invocation gives back to the caller.
 *
 * @param payload the function's response bytes, or the error document when {@link #functionError()} is set
 * @param functionError {@code Unhandled} when the function failed, otherwise null
 * @param executedVersion the version that ran
 * @param logTail the end of the invocation's log (at most 4 KB, not yet base64-encoded), or null when not asked for
 */
public record InvocationResult(byte[] payload, String functionError, String executedVersion, String logTail) {

    public boolean failed() {
        return functionError != null;
    }
}
