package dev.lamina.engine.pool;

import dev.lamina.engine.instance.Prestarted;
import dev.lamina.engine.runtime.PrestartKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runtimes started ahead of their function (docs/adr/0007-prestarted-runtimes.md): at most one waiting per key, and
 * at most {@code capacity} in all; the key used least recently gives way when a new key needs room.
 *
 * <p>A key gets a waiting runtime once a cold start has asked for one: {@link #take} hands out the waiting runtime,
 * if any, and starts its replacement a little later, so that the replacement's start does not compete with the cold
 * start that took it. A waiting runtime that is not taken within the keep-alive is stopped ({@link #expire}).
 *
 * <p>Thread-safe: every method synchronises on the pool; runtimes are never started or stopped while holding it.
 */
public final class PrestartPool implements AutoCloseable {

    /** How long after a take its replacement starts. */
    static final Duration REFILL_DELAY = Duration.ofMillis(200);

    /** Starts a waiting runtime of a key. */
    public interface Starter {
        Prestarted start(PrestartKey key) throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(PrestartPool.class);

    private final int capacity;
    private final Starter starter;
    private final ScheduledExecutorService timers;
    /** Least recently used first. */
    private final LinkedHashMap<PrestartKey, Waiting> waiting = new LinkedHashMap<>(16, 0.75f, true);

    private final Set<PrestartKey> starting = new HashSet<>();
    private boolean closed;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong missed = new AtomicLong();

    private record Waiting(Prestarted runtime, long sinceNanos) {}

    /** @param capacity how many runtimes may wait at once; 0 turns pre-starting off */
    public PrestartPool(int capacity, Starter starter, ScheduledExecutorService timers) {
        this.capacity = capacity;
        this.starter = starter;
        this.timers = timers;
    }

    /**
     * A waiting runtime of {@code key}, now claimed by the caller, or null when none is ready; either way a
     * replacement is started soon.
     */
    public Prestarted take(PrestartKey key) {
        if (capacity == 0) {
            return null;
        }
        Waiting w;
        synchronized (this) {
            if (closed) {
                return null;
            }
            w = waiting.remove(key);
        }
        try {
            timers.schedule(
                    () -> Thread.ofVirtual().name("prestart-" + key.runtime()).start(() -> refill(key)),
                    REFILL_DELAY.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the engine is closing
        }
        if (w != null && w.runtime().take()) {
            taken.incrementAndGet();
            return w.runtime();
        }
        missed.incrementAndGet();
        return null;
    }

    /** Starts a waiting runtime of {@code key} unless one waits or starts already. */
    void refill(PrestartKey key) {
        Prestarted evicted = null;
        synchronized (this) {
            if (closed || waiting.containsKey(key) || !starting.add(key)) {
                return;
            }
            if (waiting.size() + starting.size() > capacity) {
                Iterator<Waiting> oldest = waiting.values().iterator();
                if (oldest.hasNext()) {
                    evicted = oldest.next().runtime();
                    oldest.remove();
                } else {
                    starting.remove(key); // every place is taken by starts under way
                    return;
                }
            }
        }
        if (evicted != null) {
            evicted.discard();
        }
        Prestarted fresh = null;
        try {
            fresh = starter.start(key);
            fresh.learnTree();
        } catch (Exception e) {
            log.warn("cannot pre-start a {} runtime: {}", key.runtime(), e.toString());
        }
        boolean keep;
        synchronized (this) {
            starting.remove(key);
            keep = fresh != null && !closed && !waiting.containsKey(key);
            if (keep) {
                waiting.put(key, new Waiting(fresh, System.nanoTime()));
            }
        }
        if (fresh == null) {
            return;
        }
        if (!keep) {
            fresh.discard();
            return;
        }
        Prestarted started = fresh;
        started.exited().thenRun(() -> gone(key, started));
    }

    /** A waiting runtime exited by itself: forget it (it is replaced at the next take, not at once, so never in a loop). */
    private void gone(PrestartKey key, Prestarted runtime) {
        synchronized (this) {
            Waiting w = waiting.get(key);
            if (w != null && w.runtime() == runtime) {
                waiting.remove(key);
                log.warn("a pre-started {} runtime exited before it was used", key.runtime());
            }
        }
    }

    /** Stops the runtimes that have waited longer than {@code keepAliveNanos}. */
    public void expire(long nowNanos, long keepAliveNanos) {
        List<Prestarted> expired = new ArrayList<>();
        synchronized (this) {
            waiting.values().removeIf(w -> {
                boolean old = nowNanos - w.sinceNanos() > keepAliveNanos;
                if (old) {
                    expired.add(w.runtime());
                }
                return old;
            });
        }
        expired.forEach(Prestarted::discard);
    }

    /** The keys that have a runtime waiting now (for the health report and tests). */
    public synchronized Set<PrestartKey> waitingKeys() {
        return Set.copyOf(waiting.keySet());
    }

    /** How many cold starts took on a waiting runtime. */
    public long taken() {
        return taken.get();
    }

    /** How many cold starts found no runtime waiting for their key (and started their own process). */
    public long missed() {
        return missed.get();
    }

    /** Stops every waiting runtime; takes return null from now on. */
    @Override
    public void close() {
        List<Prestarted> all;
        synchronized (this) {
            closed = true;
            all = waiting.values().stream().map(Waiting::runtime).toList();
            waiting.clear();
        }
        all.forEach(Prestarted::discard);
    }
}
