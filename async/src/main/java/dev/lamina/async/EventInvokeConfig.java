package dev.lamina.async;

/**
 * The asynchronous invocation settings of one function, version or alias, as PutFunctionEventInvokeConfig sets
 * them. A setting left out is null: the default applies ({@link #retryAttempts()}, {@link #eventAgeSeconds()}), and
 * GetFunctionEventInvokeConfig leaves it out too.
 *
 * @param functionName the bare function name
 * @param qualifier {@code $LATEST} (for the unqualified function), a version number or an alias name
 * @param maximumRetryAttempts 0–2, or null for the default of 2
 * @param maximumEventAgeInSeconds 60–21,600, or null for the default of 21,600
 * @param onSuccess the destination ARN for successful invocations, or null
 * @param onFailure the destination ARN for events that failed for good, or null
 * @param lastModified epoch milliseconds of the last change
 */
public record EventInvokeConfig(
        String functionName,
        String qualifier,
        Integer maximumRetryAttempts,
        Integer maximumEventAgeInSeconds,
        String onSuccess,
        String onFailure,
        long lastModified) {

    /** No configuration: AWS's defaults, no destinations. */
    public static EventInvokeConfig defaults(String functionName, String qualifier) {
        return new EventInvokeConfig(functionName, qualifier, null, null, null, null, 0);
    }

    public int retryAttempts() {
        return maximumRetryAttempts != null ? maximumRetryAttempts : RetryPolicy.DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
    }

    public int eventAgeSeconds() {
        return maximumEventAgeInSeconds != null
                ? maximumEventAgeInSeconds
                : RetryPolicy.DEFAULT_MAXIMUM_EVENT_AGE_SECONDS;
    }
}
