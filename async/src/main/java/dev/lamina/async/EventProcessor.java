package dev.lamina.async;

import dev.lamina.model.InvocationResult;
import dev.lamina.model.Settings;
import dev.lamina.store.StoredEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one claimed event through one attempt: checks its age, runs it, decides by {@link RetryPolicy}, and records
 * the outcome in one transaction: the event deleted (and, with a destination, the invocation record queued for it),
 * queued again for a retry, or kept as failed. The outcome is written only if the claim still holds the event, so a
 * claim taken back after its lease never overwrites a newer one. Runs on a worker thread.
 */
final class EventProcessor {

    private static final Logger log = LoggerFactory.getLogger(EventProcessor.class);

    private final QueueWriter writer;
    private final Invoker invoker;
    private final BiFunction<String, String, EventInvokeConfig> configs;
    private final Function<String, Optional<EventInvokeConfigs.Target>> destinations;
    private final AsyncCounters counters;
    private final Settings settings;
    private final double scale;
    private final LongSupplier clock;
    private final Runnable queued;
    private static final long KEPT_LOG_NANOS = 10_000_000_000L;
    private final Map<String, long[]> keptLog = new ConcurrentHashMap<>();

    /**
     * @param configs the effective event invoke config of (function, qualifier or null)
     * @param destinations resolves a destination ARN to a function that exists now, or empty
     * @param queued told after a destination record was queued
     */
    EventProcessor(
            QueueWriter writer,
            Invoker invoker,
            BiFunction<String, String, EventInvokeConfig> configs,
            Function<String, Optional<EventInvokeConfigs.Target>> destinations,
            AsyncCounters counters,
            Settings settings,
            double scale,
            LongSupplier clock,
            Runnable queued) {
        this.writer = writer;
        this.invoker = invoker;
        this.configs = configs;
        this.destinations = destinations;
        this.counters = counters;
        this.settings = settings;
        this.scale = scale;
        this.clock = clock;
        this.queued = queued;
    }

    /**
     * One attempt of a claimed event. Its outcome is handed to the queue's writer and not waited for: the future
     * completes once it is durable (true), or was not recorded because the claim no longer held the event (false).
     * Until then the event stays claimed, so nothing else runs it; after a crash it runs again (at least once).
     */
    CompletableFuture<Boolean> process(StoredEvent event) {
        EventInvokeConfig config = configs.apply(event.functionName(), event.qualifier());
        long now = clock.getAsLong();
        if (RetryPolicy.expired(event.receivedAt(), now, config.eventAgeSeconds(), scale)) {
            return finish(event, config, new RetryPolicy.Decision.Failed(RetryPolicy.EVENT_AGE_EXCEEDED), null, now);
        }
        counters.eventAge(event.functionName(), now - event.receivedAt());
        Attempt attempt = invoker.invoke(event);
        now = clock.getAsLong();
        RetryPolicy.Decision decision = RetryPolicy.afterAttempt(
                attempt.outcome(),
                event.functionErrors(),
                event.retryableErrors(),
                event.receivedAt(),
                now,
                config.retryAttempts(),
                config.eventAgeSeconds(),
                scale);
        return finish(event, config, decision, attempt, now);
    }

    private CompletableFuture<Boolean> finish(
            StoredEvent event, EventInvokeConfig config, RetryPolicy.Decision decision, Attempt attempt, long now) {
        StoredEvent after = afterAttempt(event, attempt, now);
        CompletableFuture<Boolean> recorded = switch (decision) {
            case RetryPolicy.Decision.Succeeded s -> succeed(after, config, now);
            case RetryPolicy.Decision.RetryAt r -> retry(after, r.dueAt(), now);
            case RetryPolicy.Decision.Failed f -> fail(after, config, f.condition(), now);
        };
        return recorded.whenComplete((done, error) -> {
            if (error == null && !done) {
                log.debug("event {} was claimed again before its outcome was recorded", event.requestId());
            }
        });
    }

    /** The event's counters and last response after the attempt (none when there was no attempt). */
    private static StoredEvent afterAttempt(StoredEvent e, Attempt a, long now) {
        if (a == null) {
            return e;
        }
        RetryPolicy.Outcome o = a.outcome();
        InvocationResult r = a.result();
        boolean reached = o.reachedFunction() && r != null;
        return new StoredEvent(
                e.seq(),
                e.requestId(),
                e.functionName(),
                e.qualifier(),
                e.invokedArn(),
                e.payload(),
                e.traceId(),
                e.receivedAt(),
                e.state(),
                e.dueAt(),
                e.leaseUntil(),
                e.claims(),
                e.invokeCount() + (reached ? 1 : 0),
                e.functionErrors() + (o == RetryPolicy.Outcome.FUNCTION_ERROR ? 1 : 0),
                e.retryableErrors()
                        + (o == RetryPolicy.Outcome.THROTTLED || o == RetryPolicy.Outcome.SYSTEM_ERROR ? 1 : 0),
                reached ? Integer.valueOf(200) : e.lastStatus(),
                reached ? r.functionError() : e.lastFunctionError(),
                reached ? r.executedVersion() : e.lastExecutedVersion(),
                reached ? r.payload() : e.lastResponse(),
                e.condition(),
                a.error() != null ? a.error() : e.error(),
                now);
    }

    private CompletableFuture<Boolean> succeed(StoredEvent e, EventInvokeConfig config, long now) {
        StoredEvent record = destinationRecord(e, config.onSuccess(), RetryPolicy.SUCCESS, now);
        return writer.<Boolean>submit(store -> {
                    if (!store.delete(e.seq(), e.claims())) {
                        return false;
                    }
                    if (record != null) {
                        store.insert(record);
                    }
                    return true;
                })
                .thenApply(done -> {
                    delivered(e, record, done);
                    return done;
                });
    }

    private CompletableFuture<Boolean> retry(StoredEvent e, long dueAt, long now) {
        StoredEvent next = withState(e, StoredEvent.QUEUED, dueAt, null, e.error(), now);
        return writer.<Boolean>submit(store -> store.update(next, e.claims())).thenApply(done -> {
            if (done) {
                queued.run(); // the dispatcher sleeps until the next due event: this one may be the next
            }
            return done;
        });
    }

    private CompletableFuture<Boolean> fail(StoredEvent e, EventInvokeConfig config, String condition, long now) {
        boolean deliverable = !condition.equals(RetryPolicy.FUNCTION_NOT_FOUND);
        StoredEvent record = deliverable ? destinationRecord(e, config.onFailure(), condition, now) : null;
        String error = e.error();
        if (condition.equals(RetryPolicy.EVENT_AGE_EXCEEDED)) {
            error = "EventAgeExceeded: the event was older than " + config.eventAgeSeconds() + " s"
                    + (scale != 1.0 ? " (× delay scale " + scale + ")" : "")
                    + (error != null ? "; last error: " + error : "");
        }
        if (deliverable && config.onFailure() != null && record == null) {
            error = (error != null ? error + "; " : "") + "the on-failure destination " + config.onFailure()
                    + " does not exist";
        }
        StoredEvent failed = withState(e, StoredEvent.FAILED, e.dueAt(), condition, error, now);
        String reason = error;
        return writer.<Boolean>submit(store -> {
                    if (record != null) {
                        if (!store.delete(e.seq(), e.claims())) {
                            return false;
                        }
                        store.insert(record);
                        return true;
                    }
                    return store.update(failed, e.claims());
                })
                .thenApply(done -> {
                    if (done) {
                        counters.dropped(e.functionName());
                        delivered(e, record, true);
                        if (record == null) {
                            kept(e, condition, reason);
                        }
                    }
                    return done;
                });
    }

    /** Logs failed events that are kept: each at debug, and at most one summary per function every 10 s at info. */
    private void kept(StoredEvent e, String condition, String error) {
        log.debug(
                "async event {} of {} failed ({}) and is kept: {}", e.requestId(), e.functionName(), condition, error);
        long now = System.nanoTime();
        long[] window = keptLog.computeIfAbsent(e.functionName(), f -> new long[] {now - KEPT_LOG_NANOS, 0});
        synchronized (window) {
            window[1]++;
            if (now - window[0] >= KEPT_LOG_NANOS) {
                log.info(
                        "{} async event{} of {} failed and {} kept (last: {}, {}); lamina events failed {} lists them",
                        window[1],
                        window[1] == 1 ? "" : "s",
                        e.functionName(),
                        window[1] == 1 ? "is" : "are",
                        condition,
                        error,
                        e.functionName());
                window[0] = now;
                window[1] = 0;
            }
        }
    }

    private void delivered(StoredEvent e, StoredEvent record, boolean done) {
        if (done && record != null) {
            counters.delivered(e.functionName());
            counters.received(record.functionName());
            queued.run();
        }
    }

    /** The invocation record for a destination, as a new event of the destination function; null if none. */
    private StoredEvent destinationRecord(StoredEvent e, String destinationArn, String condition, long now) {
        if (destinationArn == null) {
            return null;
        }
        Optional<EventInvokeConfigs.Target> target = destinations.apply(destinationArn);
        if (target.isEmpty()) {
            counters.deliveryFailed(e.functionName());
            log.warn(
                    "async event {} of {}: the destination {} does not exist; no record sent",
                    e.requestId(),
                    e.functionName(),
                    destinationArn);
            return null;
        }
        InvocationRecord.Response response = e.invokeCount() == 0
                ? null
                : new InvocationRecord.Response(
                        e.lastStatus() != null ? e.lastStatus() : 200,
                        e.lastExecutedVersion(),
                        e.lastFunctionError(),
                        e.lastResponse());
        byte[] body = InvocationRecord.build(
                Instant.ofEpochMilli(now),
                e.requestId(),
                settings.functionArn(e.functionName(), e.qualifier() != null ? e.qualifier() : "$LATEST"),
                condition,
                e.invokeCount(),
                e.payload(),
                response);
        EventInvokeConfigs.Target t = target.get();
        return StoredEvent.accepted(
                UUID.randomUUID().toString(), t.functionName(), t.qualifier(), t.arn(), body, null, now);
    }

    private static StoredEvent withState(
            StoredEvent e, String state, long dueAt, String condition, String error, long now) {
        return new StoredEvent(
                e.seq(),
                e.requestId(),
                e.functionName(),
                e.qualifier(),
                e.invokedArn(),
                e.payload(),
                e.traceId(),
                e.receivedAt(),
                state,
                dueAt,
                0,
                e.claims(),
                e.invokeCount(),
                e.functionErrors(),
                e.retryableErrors(),
                e.lastStatus(),
                e.lastFunctionError(),
                e.lastExecutedVersion(),
                e.lastResponse(),
                condition,
                error,
                now);
    }
}
