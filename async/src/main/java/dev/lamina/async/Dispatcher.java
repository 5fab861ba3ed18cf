package dev.lamina.async;

import dev.lamina.store.EventStore;
import dev.lamina.store.StoredEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims due events and runs them on virtual worker threads, within two bounds: {@link
 * AsyncSettings#maxConcurrency()} attempts at once in all, and {@link AsyncSettings#maxConcurrencyPerFunction()} per
 * function, so that a function's backlog never takes all of its instances from its synchronous callers, nor all
 * workers from other functions. Functions are claimed for in turn.
 *
 * <p>One scheduler thread claims, a few events ahead of the workers ({@link #PREFETCH} times their bound), so that a
 * worker that ends an attempt takes the next claimed event of its function at once instead of waiting for a claim to
 * commit. It sleeps until a new event is accepted, an attempt ends, the next queued event falls due, or
 * {@link AsyncSettings#idlePoll()} passes. A claim is a row update with a lease ({@link EventStore#claim}), committed
 * with the group it falls in; the outcome of an attempt is committed behind it, and the worker does not wait for it.
 */
final class Dispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final long LEASE_SWEEP_MILLIS = 30_000;

    /** Events claimed ahead, per function and in all, as a multiple of the concurrency bounds. */
    static final int PREFETCH = 4;

    private final QueueWriter writer;
    private final EventProcessor processor;
    private final AsyncSettings settings;
    private final LongSupplier clock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition idle = lock.newCondition();
    /** Claimed events waiting for a worker, per function. */
    private final Map<String, ArrayDeque<StoredEvent>> ready = new HashMap<>();
    /** Workers running per function. */
    private final Map<String, Integer> workers = new HashMap<>();
    /** Claimed events not yet through their attempt (waiting or running), per function. */
    private final Map<String, Integer> claimed = new HashMap<>();

    private int running;
    private int claimedTotal;
    private boolean wake;
    private volatile boolean closed;
    private Thread scheduler;
    private long lastLeaseSweep;
    private int turn;

    Dispatcher(QueueWriter writer, EventProcessor processor, AsyncSettings settings, LongSupplier clock) {
        this.writer = writer;
        this.processor = processor;
        this.settings = settings;
        this.clock = clock;
    }

    void start() {
        scheduler = Thread.ofPlatform().name("async-dispatcher").daemon().start(this::loop);
    }

    /** Something changed: a new event, a finished attempt. The scheduler looks at the queue again. */
    void wake() {
        lock.lock();
        try {
            wake = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Attempts running now. */
    int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    private record Claim(List<StoredEvent> events, OptionalLong nextDue) {}

    private void loop() {
        while (!closed) {
            long waitMillis = settings.idlePoll().toMillis();
            try {
                Map<String, Integer> held;
                int budget;
                lock.lock();
                try {
                    held = new HashMap<>(claimed);
                    budget = settings.maxConcurrency() * PREFETCH - claimedTotal;
                    wake = false;
                } finally {
                    lock.unlock();
                }
                if (budget > 0) {
                    long now = clock.getAsLong();
                    int start = turn++;
                    Claim claim = writer.write(store -> claim(store, now, budget, held, start));
                    hand(claim.events());
                    if (claim.nextDue().isPresent()) {
                        waitMillis = Math.clamp(claim.nextDue().getAsLong() - clock.getAsLong(), 0, waitMillis);
                    }
                }
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                log.warn("the async dispatcher could not read the queue; trying again", e);
            }
            lock.lock();
            try {
                if (!wake && !closed && waitMillis > 0) {
                    changed.await(waitMillis, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                break;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * In the writer's transaction: takes back expired leases now and then, and claims due events of the functions
     * that have room, in turn from {@code start}. Answers the claimed events and when the next event that could be
     * claimed falls due (a function with no room waits for an attempt to end, which wakes the scheduler).
     */
    private Claim claim(EventStore store, long now, int budget, Map<String, Integer> held, int start) {
        if (now - lastLeaseSweep >= LEASE_SWEEP_MILLIS) {
            lastLeaseSweep = now;
            int expired = store.expireLeases(now);
            if (expired > 0) {
                log.warn("{} async events outlived their claim's lease and are queued again", expired);
            }
        }
        List<String> functions = store.functionsWithQueuedEvents();
        List<StoredEvent> events = new ArrayList<>();
        long nextDue = Long.MAX_VALUE;
        int n = functions.size();
        for (int i = 0; i < n && budget > 0; i++) {
            String function = functions.get(Math.floorMod(start + i, n));
            int room = settings.maxConcurrencyPerFunction() * PREFETCH - held.getOrDefault(function, 0);
            int take = Math.min(room, budget);
            if (take <= 0) {
                continue;
            }
            List<StoredEvent> due = store.due(function, now, take);
            long leaseUntil = now + settings.lease().toMillis();
            for (StoredEvent e : due) {
                if (store.claim(e.seq(), leaseUntil, now)) {
                    events.add(asClaimed(e, leaseUntil));
                }
            }
            budget -= due.size();
            if (due.size() < take) {
                // room is left: this function's next event is worth waking for
                OptionalLong next = store.nextDueAt(function);
                if (next.isPresent() && next.getAsLong() > now) {
                    nextDue = Math.min(nextDue, next.getAsLong());
                }
            }
        }
        return new Claim(events, nextDue == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(nextDue));
    }

    private static StoredEvent asClaimed(StoredEvent e, long leaseUntil) {
        return new StoredEvent(
                e.seq(),
                e.requestId(),
                e.functionName(),
                e.qualifier(),
                e.invokedArn(),
                e.payload(),
                e.traceId(),
                e.receivedAt(),
                StoredEvent.RUNNING,
                e.dueAt(),
                leaseUntil,
                e.claims() + 1,
                e.invokeCount(),
                e.functionErrors(),
                e.retryableErrors(),
                e.lastStatus(),
                e.lastFunctionError(),
                e.lastExecutedVersion(),
                e.lastResponse(),
                e.condition(),
                e.error(),
                e.updatedAt());
    }

    /** Puts claimed events in their functions' ready queues and starts the workers there is room for. */
    private void hand(List<StoredEvent> events) {
        lock.lock();
        try {
            for (StoredEvent e : events) {
                ready.computeIfAbsent(e.functionName(), f -> new ArrayDeque<>()).add(e);
                claimed.merge(e.functionName(), 1, Integer::sum);
                claimedTotal++;
            }
            startWorkers();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock: hands ready events to new workers, a function's at a time in turn, while the function and the
     * whole have room.
     */
    private void startWorkers() {
        boolean started = true;
        while (started && running < settings.maxConcurrency() && !closed) {
            started = false;
            for (Map.Entry<String, ArrayDeque<StoredEvent>> entry : ready.entrySet()) {
                String function = entry.getKey();
                if (running >= settings.maxConcurrency()
                        || workers.getOrDefault(function, 0) >= settings.maxConcurrencyPerFunction()) {
                    continue;
                }
                StoredEvent first = entry.getValue().poll();
                if (first == null) {
                    continue;
                }
                workers.merge(function, 1, Integer::sum);
                running++;
                started = true;
                Thread.ofVirtual().name("async-" + function).start(() -> work(function, first));
            }
        }
        ready.values().removeIf(ArrayDeque::isEmpty);
    }

    /** A worker: runs its event, then the function's next ready ones one after the other, then gives its place up. */
    private void work(String function, StoredEvent first) {
        StoredEvent e = first;
        while (e != null) {
            try {
                processor.process(e);
            } catch (RuntimeException | Error t) {
                if (!closed) {
                    log.warn("async event {} of {}: attempt not recorded", e.requestId(), function, t);
                }
            }
            lock.lock();
            try {
                claimed.merge(function, -1, (a, b) -> a + b == 0 ? null : a + b);
                claimedTotal--;
                ArrayDeque<StoredEvent> queue = ready.get(function);
                e = closed || queue == null ? null : queue.poll();
                if (e == null) {
                    workers.merge(function, -1, (a, b) -> a + b == 0 ? null : a + b);
                    running--;
                    startWorkers(); // another function may be waiting for a worker
                    idle.signalAll();
                }
                if (e == null || claimedTotal <= settings.maxConcurrency() * PREFETCH / 2) {
                    wake = true;
                    changed.signal();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits up to {@code millis} for the attempts running now to end; answers whether they did. */
    boolean awaitIdle(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            while (running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops claiming and starting attempts. Attempts running now go on; their outcomes are recorded if the queue is
     * still open. Claimed events not started stay claimed in the store and run again after the next start.
     */
    @Override
    public void close() {
        closed = true;
        wake();
        if (scheduler != null) {
            try {
                scheduler.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
