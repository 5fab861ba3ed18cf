package dev.lamina.engine.pool;

import dev.lamina.engine.instance.Instance;
import dev.lamina.engine.instance.InstanceEvent;
import dev.lamina.engine.instance.InstanceListener;
import dev.lamina.engine.instance.InstanceState;
import dev.lamina.engine.instance.Pending;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The instances of one deployment (function, version, revision): the idle ones, most recently used first, and a
 * count of all.
 *
 * <ol>
 *   <li>{@link #acquire} gives a pending invocation to the most recently used idle instance (so that warm state is
 *       reused, and the least recent ones age out), or starts a new instance for it.
 *   <li>{@link #release} puts the instance back once the invocation has its result, unless the pool is retired.
 *   <li>{@link #expireIdle} and {@link #retire} stop instances; a busy instance of a retired pool is stopped when it
 *       is released.
 * </ol>
 *
 * <p>Thread-safe: every method synchronises on the pool. Instances are never started or stopped while holding it.
 */
public final class InstancePool implements InstanceListener {

    private final Deque<Instance> idle = new ArrayDeque<>();
    private final Set<Instance> all = new HashSet<>();
    /** Instances kept initialised ahead of invocations (provisioned concurrency): never expired nor evicted. */
    private final Set<Instance> provisioned = new HashSet<>();

    private int provisionedTarget;
    private final Function<Pending, Instance> starter;
    private boolean retired;

    /**
     * @param starter starts a new instance for a pending invocation (null: an instance started ahead of
     *     invocations), with this pool as its listener
     */
    public InstancePool(Function<Pending, Instance> starter) {
        this.starter = starter;
    }

    /** Places {@code pending} on an instance, warm if one is idle; answers that instance. */
    public Instance acquire(Pending pending) {
        Instance warm = acquireIdle(pending);
        if (warm != null) {
            return warm;
        }
        Instance fresh = starter.apply(pending);
        synchronized (this) {
            if (fresh.state() != InstanceState.DEAD) {
                all.add(fresh);
            }
        }
        return fresh;
    }

    /**
     * Places {@code pending} on the most recently used idle instance and answers it, or answers null when none is idle.
     * Never blocks: the hand-over writes the event to a runtime that waits for it.
     */
    public Instance acquireIdle(Pending pending) {
        while (true) {
            Instance warm;
            synchronized (this) {
                warm = idle.pollFirst();
            }
            if (warm == null) {
                return null;
            }
            if (warm.reserve(pending)) {
                return warm;
            }
        }
    }

    /** Gives an instance back after its invocation completed. */
    public void release(Instance instance) {
        boolean stop;
        synchronized (this) {
            stop = retired;
            if (!stop && instance.state() == InstanceState.IDLE && all.contains(instance)) {
                idle.addFirst(instance);
            }
        }
        if (stop) {
            instance.stop(InstanceEvent.DRAIN_REQUESTED);
        }
    }

    @Override
    public void died(Instance instance) {
        boolean replace;
        synchronized (this) {
            idle.remove(instance);
            all.remove(instance);
            // A provisioned instance that was serving (not one whose init failed) is replaced, to keep the count.
            replace = provisioned.remove(instance)
                    && instance.wasReady()
                    && !retired
                    && provisioned.size() < provisionedTarget;
        }
        if (replace) {
            startProvisioned(1);
        }
    }

    @Override
    public void ready(Instance instance) {
        synchronized (this) {
            if (!retired && instance.state() == InstanceState.IDLE) {
                all.add(instance);
                idle.addFirst(instance);
                return;
            }
        }
        instance.stop(InstanceEvent.DRAIN_REQUESTED);
    }

    /**
     * Keeps {@code target} instances initialised ahead of invocations: starts the missing ones, and lets surplus ones
     * become ordinary idle instances (which then expire).
     */
    public void provision(int target) {
        int missing;
        synchronized (this) {
            provisionedTarget = target;
            missing = target - provisioned.size();
            if (missing < 0) {
                provisioned.stream().limit(-missing).toList().forEach(provisioned::remove);
            }
        }
        startProvisioned(missing);
    }

    private void startProvisioned(int count) {
        for (int i = 0; i < count; i++) {
            Instance instance = starter.apply(null);
            synchronized (this) {
                if (instance.state() != InstanceState.DEAD) {
                    provisioned.add(instance);
                }
            }
        }
    }

    /** Provisioned instances whose init is done and which are alive. */
    public synchronized int provisionedReady() {
        return (int) provisioned.stream()
                .filter(i -> i.wasReady() && i.state() != InstanceState.DEAD)
                .count();
    }

    /** The idle instances now, as eviction candidates. */
    public synchronized List<Eviction.Candidate<Instance>> idleCandidates() {
        return idle.stream()
                .filter(i -> !provisioned.contains(i))
                .map(i -> new Eviction.Candidate<>(
                        i, i.idleSinceNanos(), i.deployment().memorySize()))
                .toList();
    }

    /** Stops {@code instance} if it is still idle here (it may have been taken meanwhile). */
    public void evict(Instance instance) {
        boolean wasIdle;
        synchronized (this) {
            wasIdle = idle.remove(instance);
        }
        if (wasIdle) {
            instance.stop(InstanceEvent.IDLE_EXPIRED);
        }
    }

    /** Stops the instances idle for longer than {@code keepAliveNanos}. */
    public void expireIdle(long nowNanos, long keepAliveNanos) {
        List<Instance> expired = new ArrayList<>();
        synchronized (this) {
            idle.removeIf(i -> {
                boolean old = !provisioned.contains(i) && nowNanos - i.idleSinceNanos() > keepAliveNanos;
                if (old) {
                    expired.add(i);
                }
                return old;
            });
        }
        expired.forEach(i -> i.stop(InstanceEvent.IDLE_EXPIRED));
    }

    /** No more invocations come here: idle instances stop now, busy ones when they finish. */
    public void retire() {
        List<Instance> stopping;
        synchronized (this) {
            retired = true;
            stopping = new ArrayList<>(all);
            idle.clear();
        }
        stopping.forEach(i -> i.stop(InstanceEvent.DRAIN_REQUESTED));
    }

    /** Stops every instance (server shutdown): idle ones gracefully, the others at once. */
    public void terminateAll() {
        List<Instance> everything;
        synchronized (this) {
            retired = true;
            idle.clear();
            everything = new ArrayList<>(all);
        }
        everything.forEach(Instance::terminate);
    }

    /** Every live instance of the pool now. */
    public synchronized List<Instance> instances() {
        return List.copyOf(all);
    }

    public synchronized int size() {
        return all.size();
    }

    public synchronized int idleCount() {
        return idle.size();
    }

    public synchronized boolean isEmpty() {
        return all.isEmpty();
    }
}
