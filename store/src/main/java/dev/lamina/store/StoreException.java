package dev.lamina.store;

/** A failure of the embedded store; the operation that raised it changed nothing. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
