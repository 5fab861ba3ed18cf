package dev.lamina.engine.runtimeapi;

/**
 * A {@code GET /next} that found no work, kept by the instance and answered later, exactly once, by whichever thread
 * has the answer: the one that hands an invocation over, or the one that stops the instance. The connection's thread
 * goes on reading meanwhile; a request that arrives before the answer (a pipelining runtime) waits for it.
 */
public interface WaitingNext {

    /**
     * Answers: writes {@code response} on the calling thread when it is small, so that it need not wait for the
     * connection's thread to wake up, or a large one on a thread of its own. False when the request was
     * already answered or abandoned, or the connection failed (the runtime will not see the answer).
     */
    boolean answer(Response response);

    /** The runtime is gone and will not be answered: closes the connection. */
    void abandon();
}
