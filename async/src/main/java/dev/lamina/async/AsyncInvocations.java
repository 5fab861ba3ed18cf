package dev.lamina.async;

import dev.lamina.controlplane.Aliases;
import dev.lamina.controlplane.Concurrency;
import dev.lamina.engine.invoke.Engine;
import dev.lamina.model.Settings;
import dev.lamina.store.EventStore;
import dev.lamina.store.StoredEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous invocation, front to back: {@link #accept} puts an event in the durable queue and returns once it is
 * on disk (the API answers 202 only then); the dispatcher runs queued events on the data plane with AWS's retries;
 * outcomes go to destinations or stay as failed events, which {@link #redrive} queues again. docs/design.md follows
 * an event through; docs/adr/0005-async-queue.md gives the reasons.
 *
 * <p>At least once: an event accepted is run after any crash (claims left by a dead process are taken back at start),
 * so a function may see an event twice, as on AWS.
 */
public final class AsyncInvocations implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AsyncInvocations.class);

    /** Event payloads the failed-event listing returns at most. */
    static final int FAILED_LIST_LIMIT = 1000;

    /** Where a function's events are. */
    public record Stats(long queued, long running, long failed, AsyncCounters.Snapshot counters) {}

    private final QueueWriter writer;
    private final EventInvokeConfigs configs;
    private final DeadLetterConfigs deadLetters;
    private final Dispatcher dispatcher;
    private final AsyncCounters counters;
    private final LongSupplier clock;

    private AsyncInvocations(
            QueueWriter writer,
            EventInvokeConfigs configs,
            DeadLetterConfigs deadLetters,
            Dispatcher dispatcher,
            AsyncCounters counters,
            LongSupplier clock) {
        this.writer = writer;
        this.configs = configs;
        this.deadLetters = deadLetters;
        this.dispatcher = dispatcher;
        this.counters = counters;
        this.clock = clock;
    }

    /** Opens the queue in {@code dataDir} (events.db), takes back what a previous process left running, and starts. */
    public static AsyncInvocations start(
            Path dataDir,
            Aliases aliases,
            Concurrency concurrency,
            Engine engine,
            Settings settings,
            AsyncSettings asyncSettings) {
        return start(
                dataDir,
                aliases,
                new EngineInvoker(aliases, concurrency, engine),
                settings,
                asyncSettings,
                System::currentTimeMillis);
    }

    /** As above, with another way to run attempts and another clock (tests). */
    public static AsyncInvocations start(
            Path dataDir,
            Aliases aliases,
            Invoker invoker,
            Settings settings,
            AsyncSettings asyncSettings,
            LongSupplier clock) {
        EventStore store = EventStore.open(dataDir);
        QueueWriter writer = new QueueWriter(store);
        try {
            long now = clock.getAsLong();
            int recovered = writer.write(s -> s.recoverRunning(now));
            if (recovered > 0) {
                log.info("{} async events were running when the server stopped; they are queued again", recovered);
            }
            EventInvokeConfigs configs = new EventInvokeConfigs(writer, aliases, settings, clock);
            AsyncCounters counters = new AsyncCounters();
            Dispatcher[] dispatcher = new Dispatcher[1];
            EventProcessor processor = new EventProcessor(
                    writer,
                    invoker,
                    configs::effective,
                    configs::resolve,
                    counters,
                    settings,
                    asyncSettings.delayScale(),
                    clock,
                    () -> dispatcher[0].wake());
            dispatcher[0] = new Dispatcher(writer, processor, asyncSettings, clock);
            dispatcher[0].start();
            return new AsyncInvocations(writer, configs, new DeadLetterConfigs(writer), dispatcher[0], counters, clock);
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    /**
     * Queues an event and returns once its transaction is durable. The request id is the one the caller gets (in
     * {@code x-amzn-RequestId}) and the function sees on every attempt.
     *
     * @param qualifier the version or alias the caller named, or null
     * @param invokedArn the ARN the caller used
     */
    public void accept(
            String requestId,
            String functionName,
            String qualifier,
            String invokedArn,
            byte[] payload,
            String traceId) {
        StoredEvent event = StoredEvent.accepted(
                requestId, functionName, qualifier, invokedArn, payload, traceId, clock.getAsLong());
        writer.submit(store -> store.insert(event), payload.length).join();
        counters.received(functionName);
        dispatcher.wake();
    }

    public EventInvokeConfigs configs() {
        return configs;
    }

    /** The functions' DeadLetterConfig, accepted and kept (nothing is sent to SQS or SNS). */
    public DeadLetterConfigs deadLetters() {
        return deadLetters;
    }

    /** The failed events of a function, oldest failure first (at most 1,000). */
    public List<StoredEvent> failed(String functionName) {
        return writer.write(store -> store.failed(functionName, FAILED_LIST_LIMIT));
    }

    /** Queues the failed events of a function (or of all functions, for null) again; answers how many. */
    public int redrive(String functionName) {
        long now = clock.getAsLong();
        int n = writer.write(store -> store.redrive(functionName, now));
        if (n > 0) {
            log.info("{} failed async events{} queued again", n, functionName == null ? "" : " of " + functionName);
            dispatcher.wake();
        }
        return n;
    }

    public Stats stats(String functionName) {
        Map<String, Long> byState = writer.write(store -> store.countByState(functionName));
        return new Stats(
                byState.getOrDefault(StoredEvent.QUEUED, 0L),
                byState.getOrDefault(StoredEvent.RUNNING, 0L),
                byState.getOrDefault(StoredEvent.FAILED, 0L),
                counters.snapshot(functionName));
    }

    /**
     * A function was deleted: its async settings go with it. Its queued events stay; they fail as FunctionNotFound
     * when their turn comes (and can be redriven if the function is created again).
     */
    public void functionDeleted(String functionName) {
        writer.write(store -> store.deleteSettings(functionName));
        configs.functionDeleted(functionName);
        deadLetters.functionDeleted(functionName);
    }

    /**
     * Stops claiming, waits briefly for running attempts, and closes the queue. Attempts still running then are not
     * recorded: their events are run again after the next start (at least once). Call before the engine closes, so
     * that instances stopped by the shutdown do not count as function errors.
     */
    @Override
    public void close() {
        dispatcher.close();
        if (!dispatcher.awaitIdle(200)) {
            log.info("{} async attempts were still running at shutdown; they will run again", dispatcher.running());
        }
        writer.close();
    }
}
