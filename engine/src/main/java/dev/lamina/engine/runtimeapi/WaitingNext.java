package dev.lamina.engine.runtimeapi;

/**
 * A {@code GET /next} that found no work, kept by the instance and answered later, exactly once, by whichever thread
 * has the answer: the one that hands an invocation over, or the one that stops the instance. The connection's thread
 * waits meanwhile, and reads the connection's next request only after the answer.
 */
public interface WaitingNext {

    /**
     * Answers: writes {@code response} on the calling thread when it is small, so that it need not wait for the
     * connection's thread to wake up, or leaves a large one to the connection's thread. False when the request was
     * already answered or abandoned, or the connection failed (the runtime will not see the answer).
     */
    boolean answer(Response response);

    /** The runtime is gone and will not be answered: closes the connection. */
    void abandon();
}
