package dev.lamina.engine.invoke;

/** An invocation refused because a concurrency limit or the memory budget is reached; nothing ran. */
public final class Throttled extends RuntimeException {

    private final String reason;

    public Throttled(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** The {@code Reason} of AWS's TooManyRequestsException. */
    public String reason() {
        return reason;
    }
}
