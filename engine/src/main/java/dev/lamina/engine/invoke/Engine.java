package dev.lamina.engine.invoke;

import dev.lamina.engine.EngineConfig;
import dev.lamina.engine.instance.Instance;
import dev.lamina.engine.instance.InstanceListener;
import dev.lamina.engine.instance.Pending;
import dev.lamina.engine.instance.Prestarted;
import dev.lamina.engine.pool.Eviction;
import dev.lamina.engine.pool.InstancePool;
import dev.lamina.engine.pool.MemoryBudget;
import dev.lamina.engine.pool.PrestartPool;
import dev.lamina.engine.runtime.JavaClassCache;
import dev.lamina.engine.runtime.LaunchPlans;
import dev.lamina.engine.runtime.PrestartKey;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Invocation;
import dev.lamina.model.InvocationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The data plane's front door: runs invocations on instances, and stops instances when they idle out or their
 * deployment is replaced.
 *
 * <p>The invoke path, top to bottom: {@link #invoke} finds the pool of the deployment, the pool places the invocation
 * on a warm instance or starts one, the caller's thread waits for the result (the instance completes it on response,
 * error, timeout or crash), and the instance goes back to its pool. docs/design.md follows one invocation through.
 */
public final class Engine implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Engine.class);

    private final EngineConfig config;
    private final LaunchPlans plans;
    private final ScheduledExecutorService timers;
    private final Map<String, InstancePool> pools = new ConcurrentHashMap<>();
    private final ConcurrencyLimits limits;
    private final MemoryBudget memory;
    private final ScalingRate scaling;
    private final PrestartPool prestarts;

    public Engine(EngineConfig config) {
        this(config, new LaunchPlans(config));
    }

    /** With chosen launch plans (tests and benchmarks compare the Java class-data caches this way). */
    public Engine(EngineConfig config, LaunchPlans plans) {
        this.config = config;
        this.plans = plans;
        this.limits = new ConcurrencyLimits(config.accountConcurrency());
        this.memory = new MemoryBudget(config.memoryBudgetMb());
        this.scaling = new ScalingRate(config.scalingPerTenSeconds(), System::nanoTime);
        ScheduledThreadPoolExecutor timerPool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "instance-timers");
            t.setDaemon(true);
            return t;
        });
        // Every invocation schedules its timeout and almost always cancels it: drop cancelled ones at once, or
        // they pile up until their deadline (tens of thousands with a 900 s timeout under load).
        timerPool.setRemoveOnCancelPolicy(true);
        this.timers = timerPool;
        this.prestarts =
                new PrestartPool(config.prestartedRuntimes(), key -> Prestarted.start(key, config, plans), timers);
        // Every 100 ms, and not only for precision: a task scheduled ahead of the queue's head wakes the timer thread
        // (DelayedWorkQueue signals it), and an invocation's timeout (1 s at the least) would be the head whenever
        // this task ran less often, costing a thread wake-up on every invoke's hand-over.
        timers.scheduleWithFixedDelay(this::expireIdle, 100, 100, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs one synchronous invocation and waits for its result. Never throws for a function's failure; throws
     * {@link Throttled} when a concurrency limit leaves no room, before anything runs.
     */
    public InvocationResult invoke(FunctionDeployment deployment, Invocation invocation) {
        ConcurrencyLimits.Permit permit = limits.admit(deployment.functionName());
        try {
            InstancePool pool = pools.computeIfAbsent(deployment.instanceKey(), key -> newPool(deployment));
            Pending pending = new Pending(invocation);
            Instance instance = pool.acquire(pending);
            InvocationResult result = pending.result().join();
            pool.release(instance);
            return result;
        } finally {
            limits.release(permit);
        }
    }

    /**
     * Places one synchronous invocation on an idle warm instance without blocking the calling thread, or answers null
     * when no instance is idle (then call {@link #invoke}, on a thread that may wait for a new instance). The result
     * completes on the thread that receives the runtime's answer (or the timeout's). Throws {@link Throttled} as
     * {@link #invoke} does.
     *
     * <p>Why: an HTTP selector thread can hand a warm invocation over and let the runtime's answer be written back by
     * the thread that reads it, which saves the two thread wake-ups of a blocked caller on the hot path.
     */
    public CompletableFuture<InvocationResult> tryInvokeWarm(FunctionDeployment deployment, Invocation invocation) {
        InstancePool pool = pools.get(deployment.instanceKey());
        if (pool == null) {
            return null;
        }
        ConcurrencyLimits.Permit permit = limits.admit(deployment.functionName());
        Pending pending = new Pending(invocation);
        Instance instance = pool.acquireIdle(pending);
        if (instance == null) {
            limits.release(permit);
            return null;
        }
        return pending.result().whenComplete((result, never) -> {
            pool.release(instance);
            limits.release(permit);
        });
    }

    /** The account's and functions' concurrency limits, which the control plane sets. */
    public ConcurrencyLimits limits() {
        return limits;
    }

    private InstancePool newPool(FunctionDeployment deployment) {
        InstancePool[] self = new InstancePool[1];
        int mb = deployment.memorySize();
        self[0] = new InstancePool(pending -> {
            if (pending != null && !scaling.tryStart(deployment.functionName())) {
                throw new Throttled("FunctionInvocationRateLimitExceeded", "Rate Exceeded.");
            }
            makeRoom(mb);
            Prestarted prestarted = PrestartKey.of(deployment)
                    .filter(plans::canPrestart)
                    .map(prestarts::take)
                    .orElse(null);
            return Instance.start(
                    deployment,
                    pending,
                    config,
                    plans,
                    timers,
                    new InstanceListener() {
                        @Override
                        public void died(Instance instance) {
                            self[0].died(instance);
                            memory.release(mb);
                        }

                        @Override
                        public void ready(Instance instance) {
                            self[0].ready(instance);
                        }
                    },
                    prestarted);
        });
        return self[0];
    }

    /**
     * Takes {@code mb} of the memory budget for a new instance, stopping idle instances (least recently used first)
     * when it is full; throws {@link Throttled} when even that cannot make room.
     */
    private void makeRoom(int mb) {
        if (memory.tryReserve(mb)) {
            return;
        }
        List<Eviction.Candidate<Instance>> idle = new ArrayList<>();
        Map<Instance, InstancePool> owners = new java.util.HashMap<>();
        for (InstancePool pool : pools.values()) {
            for (Eviction.Candidate<Instance> c : pool.idleCandidates()) {
                idle.add(c);
                owners.put(c.instance(), pool);
            }
        }
        List<Instance> victims = Eviction.choose(idle, mb, memory.freeMb());
        victims.forEach(i -> owners.get(i).evict(i));
        // A stopped Java instance may take its grace to exit (it writes its class-data cache then).
        Duration wait = victims.isEmpty() ? Duration.ofSeconds(2) : JavaClassCache.STOP_GRACE.plusSeconds(2);
        try {
            if (memory.awaitRoom(mb, wait)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new Throttled(
                "ConcurrentInvocationLimitExceeded",
                "Rate Exceeded. Lamina's memory budget (" + memory.totalMb() + " MB) is taken by running instances"
                        + " and none is idle to stop; raise it with --memory-budget or LAMINA_MEMORY_BUDGET_MB.");
    }

    /**
     * Keeps {@code count} instances of a deployment initialised ahead of invocations (provisioned concurrency); 0
     * releases them. Starts them on a virtual thread and returns at once; {@link #provisionedReady} tells progress.
     */
    public void provision(FunctionDeployment deployment, int count) {
        InstancePool pool = pools.computeIfAbsent(deployment.instanceKey(), key -> newPool(deployment));
        Thread.ofVirtual().name("provision-" + deployment.functionName()).start(() -> {
            try {
                pool.provision(count);
            } catch (Throttled e) {
                log.warn("cannot provision {} instances of {}: {}", count, deployment.instanceKey(), e.getMessage());
            }
        });
    }

    /** Provisioned instances of a deployment that finished their init. */
    public int provisionedReady(FunctionDeployment deployment) {
        InstancePool pool = pools.get(deployment.instanceKey());
        return pool == null ? 0 : pool.provisionedReady();
    }

    /** The node's memory budget, for reporting. */
    public MemoryBudget memory() {
        return memory;
    }

    /**
     * Retires the instances of {@code keep}'s version of a function that run another revision (after an update), or
     * every instance of the function when {@code keep} is null (after a delete): they take no new invocations, and
     * stop once idle.
     */
    public void retire(String functionName, FunctionDeployment keep) {
        // Published versions never change: only $LATEST pools (or all, when the function is deleted) retire.
        String prefix = keep == null ? functionName + ":" : functionName + ":" + keep.version() + ":";
        List<InstancePool> retiring = new ArrayList<>();
        pools.entrySet().removeIf(e -> {
            boolean old = e.getKey().startsWith(prefix)
                    && (keep == null || !e.getKey().equals(keep.instanceKey()));
            if (old) {
                retiring.add(e.getValue());
            }
            return old;
        });
        retiring.forEach(InstancePool::retire);
    }

    /**
     * The root process of each live instance of a function, any version (for benchmarks and tests that look at
     * instances from outside: their memory, or a kill).
     */
    public List<ProcessHandle> instanceProcesses(String functionName) {
        return pools.entrySet().stream()
                .filter(e -> e.getKey().startsWith(functionName + ":"))
                .flatMap(e -> e.getValue().instances().stream())
                .flatMap(i -> i.processHandle().stream())
                .toList();
    }

    /** Instances running now, across all functions. */
    public int instanceCount() {
        return pools.values().stream().mapToInt(InstancePool::size).sum();
    }

    private void expireIdle() {
        long now = System.nanoTime();
        long keepAlive = config.keepAlive().toNanos();
        for (InstancePool pool : pools.values()) {
            pool.expireIdle(now, keepAlive);
        }
        prestarts.expire(now, keepAlive);
    }

    /** The runtimes waiting, started ahead, for a function (for the health report and tests). */
    public PrestartPool prestarts() {
        return prestarts;
    }

    /**
     * Stops every instance (idle ones gracefully, within {@link JavaClassCache#STOP_GRACE}; busy ones at once), and
     * returns once they are gone and the Java class-data caches being assembled are written (or after 10 s).
     */
    @Override
    public void close() {
        prestarts.close();
        List<InstancePool> all = new ArrayList<>(pools.values());
        pools.clear();
        all.forEach(InstancePool::terminateAll);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (all.stream().anyMatch(p -> !p.isEmpty()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        plans.close(deadline);
        timers.shutdownNow();
    }
}
