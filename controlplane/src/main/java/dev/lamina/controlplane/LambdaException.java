package dev.lamina.controlplane;

/** A request that AWS Lambda would refuse, with the error it would give. Nothing was changed. */
public final class LambdaException extends RuntimeException {

    private final ErrorCode code;

    public LambdaException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static LambdaException notFound(String arn) {
        return new LambdaException(ErrorCode.RESOURCE_NOT_FOUND, "Function not found: " + arn);
    }

    public static LambdaException invalidParameter(String message) {
        return new LambdaException(ErrorCode.INVALID_PARAMETER_VALUE, message);
    }
}
