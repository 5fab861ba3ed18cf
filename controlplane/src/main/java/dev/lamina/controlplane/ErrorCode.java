package dev.lamina.controlplane;

/**
 * The AWS Lambda service errors Lamina raises, each with its HTTP status and the casing of its message field as
 * botocore's model declares it. The api module's error mapper is the one place that renders them.
 */
public enum ErrorCode {
    VALIDATION("ValidationException", 400, "message"),
    INVALID_PARAMETER_VALUE("InvalidParameterValueException", 400, "message"),
    INVALID_REQUEST_CONTENT("InvalidRequestContentException", 400, "message"),
    RESOURCE_NOT_FOUND("ResourceNotFoundException", 404, "Message"),
    RESOURCE_CONFLICT("ResourceConflictException", 409, "message"),
    PRECONDITION_FAILED("PreconditionFailedException", 412, "message"),
    PROVISIONED_CONCURRENCY_CONFIG_NOT_FOUND("ProvisionedConcurrencyConfigNotFoundException", 404, "message"),
    REQUEST_TOO_LARGE("RequestTooLargeException", 413, "message"),
    REQUEST_ENTITY_TOO_LARGE("RequestEntityTooLargeException", 413, "message"),
    UNSUPPORTED_MEDIA_TYPE("UnsupportedMediaTypeException", 415, "message"),
    TOO_MANY_REQUESTS("TooManyRequestsException", 429, "message"),
    UNKNOWN_OPERATION("UnknownOperationException", 404, "message"),
    SERVICE("ServiceException", 500, "Message");

    private final String wireName;
    private final int status;
    private final String messageField;

    ErrorCode(String wireName, int status, String messageField) {
        this.wireName = wireName;
        this.status = status;
        this.messageField = messageField;
    }

    /** The value of {@code x-amzn-ErrorType}. */
    public String wireName() {
        return wireName;
    }

    public int status() {
        return status;
    }

    /** {@code message} or {@code Message}, as the error's shape declares. */
    public String messageField() {
        return messageField;
    }

    /** {@code User} for client faults, {@code Service} for server faults, as AWS's body {@code Type} says. */
    public String type() {
        return status >= 500 ? "Service" : "User";
    }
}
