package dev.lamina.async;

import dev.lamina.controlplane.Aliases;
import dev.lamina.controlplane.Concurrency;
import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import dev.lamina.engine.invoke.Engine;
import dev.lamina.engine.invoke.Throttled;
import dev.lamina.model.Invocation;
import dev.lamina.store.StoredEvent;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an event on the data plane: the qualifier the caller named (none, a version, an alias with its routing) is
 * resolved at each attempt, so that an update or an alias change between retries is picked up, and the invocation
 * goes through {@link Engine#invoke} on the calling thread, under the same concurrency limits as synchronous ones.
 */
public final class EngineInvoker implements Invoker {

    private static final Logger log = LoggerFactory.getLogger(EngineInvoker.class);
    private static final String RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded";

    private final Aliases aliases;
    private final Concurrency concurrency;
    private final Engine engine;

    public EngineInvoker(Aliases aliases, Concurrency concurrency, Engine engine) {
        this.aliases = aliases;
        this.concurrency = concurrency;
        this.engine = engine;
    }

    @Override
    public Attempt invoke(StoredEvent event) {
        Aliases.Resolved resolved;
        try {
            resolved =
                    aliases.resolve(event.functionName(), event.qualifier(), ThreadLocalRandom.current()::nextDouble);
        } catch (LambdaException e) {
            return e.code() == ErrorCode.RESOURCE_NOT_FOUND
                    ? Attempt.functionNotFound("ResourceNotFoundException: " + e.getMessage())
                    : Attempt.systemError(e.code().wireName() + ": " + e.getMessage());
        }
        Invocation invocation =
                new Invocation(event.requestId(), event.payload(), event.invokedArn(), false, null, event.traceId());
        try {
            return Attempt.of(engine.invoke(resolved.entry().deployment(), invocation));
        } catch (Throttled e) {
            String error = "TooManyRequestsException: " + e.reason() + ": " + e.getMessage();
            return RESERVED_LIMIT.equals(e.reason())
                            && reservedConcurrency(event.functionName()).orElse(-1) == 0
                    ? Attempt.zeroReservedConcurrency(error)
                    : Attempt.throttled(error);
        } catch (LambdaException e) {
            return e.code() == ErrorCode.TOO_MANY_REQUESTS
                    ? Attempt.throttled("TooManyRequestsException: " + e.getMessage())
                    : Attempt.systemError(e.code().wireName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("async invocation {} of {} failed in the platform", event.requestId(), event.functionName(), e);
            return Attempt.systemError("ServiceException: " + e);
        }
    }

    private Optional<Integer> reservedConcurrency(String functionName) {
        try {
            return concurrency == null ? Optional.empty() : concurrency.get(functionName);
        } catch (LambdaException e) {
            return Optional.empty();
        }
    }
}
