package dev.lamina.engine.runtimeapi;

/**
 * The four Runtime API operations, as the instance behind one {@link RuntimeApiServer} implements them. Each method
 * is called on the connection's virtual thread and answers at once; {@link #next} may instead keep the request and
 * answer it later.
 */
public interface RuntimeApi {

    /**
     * {@code GET /2018-06-01/runtime/invocation/next}: the event when an invocation is waiting, an error, or {@link
     * Response#LATER} after keeping {@code request}, which is then answered (or abandoned) exactly once.
     */
    Response next(WaitingNext request);

    /** {@code POST /2018-06-01/runtime/invocation/{id}/response}. */
    Response response(String requestId, byte[] body);

    /** {@code POST /2018-06-01/runtime/invocation/{id}/error}. */
    Response error(String requestId, String errorType, byte[] body);

    /** A {@code /response} whose body exceeded {@link RuntimeApiServer#MAX_BODY}; the invocation fails. */
    Response responseTooLarge(String requestId);

    /** {@code POST /2018-06-01/runtime/init/error}. */
    Response initError(String errorType, byte[] body);

    /** The error document the Runtime API answers with, as the Runtime Interface Emulator renders it. */
    static String errorBody(String errorType, String errorMessage) {
        return "{\"errorMessage\":\"" + errorMessage.replace("\"", "\\\"") + "\",\"errorType\":\"" + errorType + "\"}";
    }
}
