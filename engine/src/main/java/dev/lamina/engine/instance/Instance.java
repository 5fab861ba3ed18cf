package dev.lamina.engine.instance;

import static dev.lamina.engine.instance.InstanceEvent.*;
import static dev.lamina.engine.instance.InstanceState.*;

import dev.lamina.engine.EngineConfig;
import dev.lamina.engine.logs.LogPump;
import dev.lamina.engine.logs.PlatformLines;
import dev.lamina.engine.runtime.LaunchPlans;
import dev.lamina.engine.runtimeapi.Response;
import dev.lamina.engine.runtimeapi.RuntimeApi;
import dev.lamina.engine.runtimeapi.RuntimeApiServer;
import dev.lamina.engine.runtimeapi.WaitingNext;
import dev.lamina.engine.sandbox.HostFolders;
import dev.lamina.engine.sandbox.LaunchSpec;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.InvocationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution environment: a runtime process, its Runtime API endpoint, its log stream and its private /tmp. It
 * runs one invocation at a time.
 *
 * <p>Threading: every method may be called from a different thread (the invoking request, the runtime's connection,
 * the timer, the process-exit watcher, the log pump). State and the invocation slots are guarded by {@link #lock};
 * result futures are completed and processes killed after the lock is released. Each transition goes through
 * {@link #fire}, which enforces {@link Lifecycle}.
 *
 * <p>An invocation is first <em>reserved</em> on the instance (by the pool), then <em>handed over</em> when the
 * runtime's {@code /next} takes it; START is logged then and the timeout starts.
 */
public final class Instance implements RuntimeApi {

    private static final Logger log = LoggerFactory.getLogger(Instance.class);
    private static final int TAIL_BYTES = 4096;
    private static final Response STOPPED =
            Response.json(500, RuntimeApi.errorBody("Runtime.Stopped", "The environment is shutting down"));
    private static final Pattern PLATFORM_ERROR_TYPE = Pattern.compile("(Runtime|Function)\\.[A-Z][a-zA-Z]+");

    private final String id = HexFormat.of().formatHex(randomBytes());
    private final FunctionDeployment deployment;
    private final EngineConfig config;
    private final ScheduledExecutorService timers;
    private final InstanceListener listener;
    private final String logStream;
    private final String logGroup;
    private final ReentrantLock lock = new ReentrantLock();
    /** The runtime's connections waiting in {@code /next} (normally one), oldest first. */
    private final Deque<WaitingNext> waiting = new ArrayDeque<>();

    private InstanceState state = COLD;
    private Pending reserved;
    private Pending current;
    private boolean runtimeReady;
    private Double initDurationMs;
    private final List<String> initLines = new ArrayList<>();
    private long spawnNanos;
    private Process process;
    private RuntimeApiServer server;
    private LogPump pump;
    private Path tmp;
    private Path logFile;
    private final ProcMemory memory = new ProcMemory();
    private LaunchSpec spec;
    private volatile long idleSinceNanos;

    private Instance(
            FunctionDeployment deployment,
            EngineConfig config,
            ScheduledExecutorService timers,
            InstanceListener listener) {
        this.deployment = deployment;
        this.config = config;
        this.timers = timers;
        this.listener = listener;
        this.logGroup = deployment.logGroupName();
        this.logStream =
                LocalDate.now(ZoneOffset.UTC).toString().replace('-', '/') + "/[" + deployment.version() + "]" + id;
    }

    /**
     * Starts a new instance for {@code first}, which waits on it until the runtime's first {@code /next}. Never
     * throws: a start that fails completes {@code first} with the error AWS would give.
     */
    public static Instance start(
            FunctionDeployment deployment,
            Pending first,
            EngineConfig config,
            LaunchPlans plans,
            ScheduledExecutorService timers,
            InstanceListener listener) {
        return start(deployment, first, config, plans, timers, listener, null);
    }

    /**
     * Starts a new instance as {@link #start(FunctionDeployment, Pending, EngineConfig, LaunchPlans,
     * ScheduledExecutorService, InstanceListener)} does, on {@code prestarted} (a runtime waiting for its function,
     * which this instance has {@linkplain Prestarted#take taken}) when it is not null.
     */
    public static Instance start(
            FunctionDeployment deployment,
            Pending first,
            EngineConfig config,
            LaunchPlans plans,
            ScheduledExecutorService timers,
            InstanceListener listener,
            Prestarted prestarted) {
        Instance instance = new Instance(deployment, config, timers, listener);
        instance.launch(first, plans, prestarted);
        return instance;
    }

    private void launch(Pending first, LaunchPlans plans, Prestarted prestarted) {
        String problem = LaunchPlans.entrypointProblem(deployment).orElse(null);
        if (problem == null) {
            try {
                if (prestarted != null) {
                    takeOn(prestarted, first, plans);
                } else {
                    spawn(first, plans);
                }
                pump = new LogPump(logFile, this::onLogLine, "log-" + id);
                process.onExit().thenRun(this::processExited);
                long initMillis = config.initTimeout().toMillis();
                timers.schedule(this::initTimedOut, initMillis, TimeUnit.MILLISECONDS);
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("cannot start an instance of {}", deployment.functionName(), e);
                problem = "fork/exec " + e.getMessage();
                if (prestarted != null && process == null) {
                    killTaken(prestarted);
                }
            }
        }
        InvocationResult result;
        lock.lock();
        try {
            reserved = null;
            fire(DRAIN_REQUESTED);
            result = first == null ? null : failBeforeStart(first, "Runtime.InvalidEntrypoint", problem);
        } finally {
            lock.unlock();
        }
        if (first != null) {
            first.result.complete(result);
        }
        cleanUp();
    }

    /** Starts the runtime's process in a new sandbox: INIT_START, then the spawn. */
    private void spawn(Pending first, LaunchPlans plans) throws IOException {
        Files.createDirectories(config.instancesDirectory());
        tmp = Files.createTempDirectory(config.instancesDirectory(), id);
        server = new RuntimeApiServer(this);
        logFile = Files.createFile(config.instancesDirectory().resolve(id + ".log"));
        spec = plans.plan(deployment, server.address(), logStream, tmp, logFile, first == null);
        lock.lock();
        try {
            reserved = first;
            emit(PlatformLines.initStart(runtimeVersion(), runtimeVersionArn()));
            spawnNanos = System.nanoTime();
            process = config.sandbox().start(spec, config.sandbox().paths(spec));
            fire(SPAWNED);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes on a pre-started runtime: its sandbox, Runtime API, /tmp and log file become this instance's, the
     * function's code appears at its /var/task, and the hand-over starts its init. INIT_START, and Init Duration,
     * count from the hand-over, since that is where this function's init begins.
     */
    private void takeOn(Prestarted prestarted, Pending first, LaunchPlans plans) throws IOException {
        server = prestarted.server();
        spec = prestarted.spec();
        memory.seed(prestarted.tree());
        tmp = spec.tmpDirectory();
        logFile = spec.logFile();
        prestarted.fill(deployment.codeDirectory());
        byte[] handOver =
                plans.handOver(deployment, spec, prestarted.paths(), server.address(), logStream, first == null);
        prestarted.attach(this);
        lock.lock();
        try {
            reserved = first;
            emit(PlatformLines.initStart(runtimeVersion(), runtimeVersionArn()));
            spawnNanos = System.nanoTime();
            prestarted.handOver(handOver);
            process = prestarted.process();
            fire(SPAWNED);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves this idle instance for {@code pending}; false if it is no longer idle or already reserved. When the
     * runtime waits in {@code /next}, the invocation is handed over at once and its event written from this thread
     * (see {@link WaitingNext#answer}); otherwise the runtime's next {@code /next} takes it.
     */
    public boolean reserve(Pending pending) {
        WaitingNext runtime;
        Response event;
        lock.lock();
        try {
            if (state != IDLE || reserved != null) {
                return false;
            }
            runtime = waiting.pollFirst();
            if (runtime == null) {
                reserved = pending;
                return true;
            }
            event = handOver(pending);
        } finally {
            lock.unlock();
        }
        // Outside the lock. A failed write needs nothing more here: the runtime is gone, and its exit (or the timeout)
        // fails the invocation as for any crash.
        runtime.answer(event);
        return true;
    }

    // ---- Runtime API ---------------------------------------------------------------------------------------

    @Override
    public Response next(WaitingNext request) {
        if (pump != null) {
            pump.drain(); // init lines come before START
        }
        boolean readyWithoutWork = false;
        boolean drained = false;
        Response answer;
        lock.lock();
        try {
            if (state == BUSY) {
                return invalidState("invocation response");
            }
            if (state == DEAD) {
                return STOPPED;
            }
            if (!runtimeReady) {
                runtimeReady = true;
                initDurationMs = (System.nanoTime() - spawnNanos) / 1e6;
                if (reserved == null) {
                    // Initialised ahead of any invocation: its first REPORT shows no Init Duration, as on AWS.
                    readyWithoutWork = true;
                    initDurationMs = null;
                    initLines.clear();
                    idleSinceNanos = System.nanoTime();
                }
            }
            fire(RUNTIME_READY);
            if (reserved != null) {
                Pending p = reserved;
                reserved = null;
                answer = handOver(p);
            } else if (state == DRAINING) {
                // Stopped while it initialised, with nothing reserved (a provisioned instance whose deployment was
                // replaced): nothing will ever come. As in stop(), a graceful stop leaves this /next waiting.
                fire(DRAINED);
                drained = true;
                if (graceful()) {
                    waiting.addLast(request);
                    answer = Response.LATER;
                } else {
                    answer = STOPPED;
                }
            } else {
                waiting.addLast(request); // answered by reserve(), or by stop() or the process's exit
                answer = Response.LATER;
            }
        } finally {
            lock.unlock();
        }
        if (drained) {
            shutDown();
        } else if (readyWithoutWork) {
            listener.ready(this);
        }
        return answer;
    }

    /**
     * Hands {@code p} to the runtime: BUSY, the init's lines and duration on a cold start, START, the timeout. The
     * one place an invocation starts, whether the runtime's {@code /next} takes it or {@link #reserve} gives it to a
     * waiting runtime. Lock held; answers the event to write.
     */
    private Response handOver(Pending p) {
        current = p;
        fire(ASSIGNED);
        if (initDurationMs != null) {
            p.initDurationMs = initDurationMs;
            p.lines.addAll(initLines);
            initLines.clear();
            initDurationMs = null;
        }
        p.startNanos = System.nanoTime();
        long deadline = System.currentTimeMillis() + deployment.timeoutSeconds() * 1000L;
        emit(PlatformLines.start(p.requestId(), deployment.version()));
        p.timer = timers.schedule(() -> timedOut(p), deployment.timeoutSeconds(), TimeUnit.SECONDS);
        return eventFor(p, deadline);
    }

    private Response eventFor(Pending p, long deadline) {
        String traceId = p.invocation.traceId() != null ? p.invocation.traceId() : TraceIds.newTraceHeader();
        return new Response(
                200,
                "application/json",
                p.invocation.payload(),
                "Lambda-Runtime-Aws-Request-Id",
                p.requestId(),
                "Lambda-Runtime-Deadline-Ms",
                Long.toString(deadline),
                "Lambda-Runtime-Invoked-Function-Arn",
                p.invocation.invokedFunctionArn(),
                "Lambda-Runtime-Trace-Id",
                traceId,
                "Lambda-Runtime-Client-Context",
                p.invocation.clientContext()); // left out when null
    }

    @Override
    public Response response(String requestId, byte[] body) {
        return complete(requestId, body, null, RESPONSE_SENT);
    }

    @Override
    public Response error(String requestId, String errorType, byte[] body) {
        return complete(
                requestId,
                body.length == 0 ? errorDocument(platformErrorType(errorType), "") : body,
                "Unhandled",
                ERROR_SENT);
    }

    @Override
    public Response responseTooLarge(String requestId) {
        byte[] doc = errorDocument(
                "Function.ResponseSizeTooLarge",
                "Response payload size exceeded maximum allowed payload size (" + RuntimeApiServer.MAX_BODY
                        + " bytes).");
        complete(requestId, doc, "Unhandled", ERROR_SENT);
        return Response.json(
                413,
                RuntimeApi.errorBody(
                        "RequestEntityTooLarge",
                        "Exceeded maximum allowed payload size (" + RuntimeApiServer.MAX_BODY + " bytes)."));
    }

    private Response complete(String requestId, byte[] payload, String functionError, InstanceEvent event) {
        if (pump != null) {
            pump.drain();
        }
        Pending p;
        InvocationResult result;
        boolean terminate;
        double durationMs;
        lock.lock();
        try {
            if (current == null || !current.requestId().equals(requestId)) {
                return Response.json(400, RuntimeApi.errorBody("InvalidRequestID", "Invalid request ID"));
            }
            p = current;
            current = null;
            p.timer.cancel(false);
            fire(event);
            terminate = state == DEAD;
            if (state == IDLE) {
                idleSinceNanos = System.nanoTime();
            }
            durationMs = (System.nanoTime() - p.startNanos) / 1e6;
            // A caller that asked for the log tail gets END and REPORT in it; the others get their answer first, and
            // the memory probe behind REPORT runs after it. Either way REPORT is logged before the runtime gets its
            // 202, so before its next /next and the START of the invocation after (docs/design.md).
            emit(p, PlatformLines.end(p.requestId()));
            if (p.invocation.tailLog()) {
                report(p, durationMs, null, null);
            }
            result = result(p, payload, functionError);
        } finally {
            lock.unlock();
        }
        p.result.complete(result);
        if (!p.invocation.tailLog()) {
            lock.lock();
            try {
                report(p, durationMs, null, null);
            } finally {
                lock.unlock();
            }
        }
        if (terminate) {
            shutDown(); // drained after an update: it answered, so it is healthy
        }
        return Response.accepted();
    }

    @Override
    public Response initError(String errorType, byte[] body) {
        if (pump != null) {
            pump.drain();
        }
        Pending p;
        InvocationResult result = null;
        lock.lock();
        try {
            if (runtimeReady || state == DEAD) {
                return invalidState("init error");
            }
            fire(INIT_FAILED);
            String type = platformErrorType(errorType);
            emit(PlatformLines.initReport((System.nanoTime() - spawnNanos) / 1e6, "init", "error", type));
            p = reserved;
            reserved = null;
            if (p != null) {
                p.lines.addAll(initLines);
                emit(p, PlatformLines.start(p.requestId(), deployment.version()));
                result = finish(p, body.length == 0 ? errorDocument(type, "") : body, "Unhandled", "error", type);
            }
        } finally {
            lock.unlock();
        }
        if (p != null) {
            p.result.complete(result);
        }
        // Let the 202 reach the runtime, which exits by itself; stop it in any case.
        timers.schedule(this::kill, 200, TimeUnit.MILLISECONDS);
        return Response.accepted();
    }

    // ---- Events from the platform --------------------------------------------------------------------------

    private void timedOut(Pending p) {
        InvocationResult result;
        lock.lock();
        try {
            if (current != p) {
                return;
            }
            current = null;
            fire(INVOKE_TIMED_OUT);
            emit(p, PlatformLines.timedOut(System.currentTimeMillis(), p.requestId(), deployment.timeoutSeconds()));
            result = finish(
                    p,
                    errorDocument(
                            "Sandbox.Timedout",
                            "RequestId: " + p.requestId() + " Error: "
                                    + PlatformLines.timedOutMessage(deployment.timeoutSeconds())),
                    "Unhandled",
                    "timeout",
                    null);
        } finally {
            lock.unlock();
        }
        p.result.complete(result);
        kill();
    }

    private void initTimedOut() {
        Pending p;
        InvocationResult result = null;
        lock.lock();
        try {
            if (state != INITIALIZING && !(state == DRAINING && !runtimeReady)) {
                return;
            }
            fire(INIT_TIMED_OUT);
            emit(PlatformLines.initReport(config.initTimeout().toMillis(), "init", "timeout", null));
            p = reserved;
            reserved = null;
            if (p != null) {
                p.lines.addAll(initLines);
                emit(p, PlatformLines.start(p.requestId(), deployment.version()));
                int seconds = (int) config.initTimeout().toSeconds();
                result = finish(
                        p,
                        errorDocument(
                                "Sandbox.Timedout",
                                "RequestId: " + p.requestId() + " Error: " + PlatformLines.timedOutMessage(seconds)),
                        "Unhandled",
                        "timeout",
                        null);
            }
        } finally {
            lock.unlock();
        }
        if (p != null) {
            p.result.complete(result);
        }
        kill();
    }

    private void processExited() {
        if (pump != null) {
            pump.close();
        }
        Pending p;
        InvocationResult result = null;
        List<WaitingNext> abandoned;
        lock.lock();
        try {
            boolean handedOver = current != null;
            p = handedOver ? current : reserved;
            current = null;
            reserved = null;
            boolean wasInitializing = state == INITIALIZING;
            fire(PROCESS_EXITED);
            abandoned = takeWaiting();
            memory.close();
            if (p != null && !p.result.isDone()) {
                if (p.timer != null) {
                    p.timer.cancel(false);
                }
                String message = "RequestId: " + p.requestId() + " Error: Runtime exited with error: "
                        + exitDescription(process.exitValue());
                if (!handedOver) {
                    if (wasInitializing) {
                        emit(PlatformLines.initReport(
                                (System.nanoTime() - spawnNanos) / 1e6, "init", "error", "Runtime.ExitError"));
                    }
                    p.lines.addAll(initLines);
                    emit(p, PlatformLines.start(p.requestId(), deployment.version()));
                }
                emit(p, message);
                emit(p, "Runtime.ExitError");
                result = finish(
                        p, errorDocument("Runtime.ExitError", message), "Unhandled", "error", "Runtime.ExitError");
            }
        } finally {
            lock.unlock();
        }
        abandoned.forEach(WaitingNext::abandon);
        if (result != null) {
            p.result.complete(result);
        }
        cleanUp();
    }

    /**
     * Stops an idle instance now (gracefully, see {@link #shutDown}), or lets a busy one finish first.
     */
    public void stop(InstanceEvent reason) {
        boolean stopNow;
        List<WaitingNext> refused = List.of();
        lock.lock();
        try {
            if (state == DEAD || state == DRAINING) {
                return;
            }
            fire(state == IDLE && reserved == null ? reason : DRAIN_REQUESTED);
            stopNow = state == DEAD;
            if (stopNow && !graceful()) {
                // A graceful stop leaves the runtime's /next waiting: the process's exit ends it.
                refused = takeWaiting();
            }
        } finally {
            lock.unlock();
        }
        refused.forEach(w -> w.answer(STOPPED));
        if (stopNow) {
            shutDown();
        }
    }

    // ---- Helpers --------------------------------------------------------------------------------------------

    /** Empties {@link #waiting}, for an answer or an abandon outside the lock. Lock held. */
    private List<WaitingNext> takeWaiting() {
        List<WaitingNext> taken = List.copyOf(waiting);
        waiting.clear();
        return taken;
    }

    private void fire(InstanceEvent event) {
        InstanceState next = Lifecycle.next(state, event)
                .orElseThrow(() -> new IllegalStateException(
                        "instance " + id + ": event " + event + " is illegal in state " + state));
        state = next;
    }

    private Response invalidState(String what) {
        return Response.json(
                403,
                RuntimeApi.errorBody(
                        "InvalidStateTransition",
                        "State transition from " + state + " to " + what + " failed for runtime."));
    }

    /** Builds the END and REPORT lines and the caller's result. Call with the lock held. */
    private InvocationResult finish(Pending p, byte[] payload, String functionError, String status, String errorType) {
        double durationMs = (System.nanoTime() - p.startNanos) / 1e6;
        emit(p, PlatformLines.end(p.requestId()));
        report(p, durationMs, status, errorType);
        return result(p, payload, functionError);
    }

    /** The caller's result, with the log tail (the lines logged so far) when it asked for it. Lock held. */
    private InvocationResult result(Pending p, byte[] payload, String functionError) {
        String tail = p.invocation.tailLog() ? tail(p.lines) : null;
        return new InvocationResult(payload, functionError, deployment.version(), tail);
    }

    /** Logs REPORT, with the memory probe's Max Memory Used. Lock held. */
    private void report(Pending p, double durationMs, String status, String errorType) {
        emit(
                p,
                PlatformLines.report(
                        p.requestId(),
                        durationMs,
                        deployment.memorySize(),
                        maxMemoryUsedMb(),
                        p.initDurationMs,
                        status,
                        errorType));
    }

    /** Completes a pending invocation that no runtime ever saw (the instance could not start). */
    private InvocationResult failBeforeStart(Pending p, String errorType, String message) {
        p.startNanos = System.nanoTime();
        emit(p, PlatformLines.start(p.requestId(), deployment.version()));
        String full = "RequestId: " + p.requestId() + " Error: " + message;
        emit(p, full);
        emit(p, errorType);
        return finish(p, errorDocument(errorType, full), "Unhandled", "error", errorType);
    }

    private void onLogLine(String line) {
        lock.lock();
        try {
            emit(line);
        } finally {
            lock.unlock();
        }
    }

    /** Logs a line of this instance, attributed to the invocation in flight (or to init). Lock held. */
    private void emit(String line) {
        if (current != null) {
            emit(current, line);
        } else {
            config.logSink().append(logGroup, logStream, System.currentTimeMillis(), line);
            if (!runtimeReady) {
                initLines.add(line);
            }
        }
    }

    private void emit(Pending p, String line) {
        config.logSink().append(logGroup, logStream, System.currentTimeMillis(), line);
        if (p.invocation.tailLog()) {
            p.lines.add(line);
        }
    }

    /** The last 4 KB of an invocation's log, cut at a line start where possible. */
    static String tail(List<String> lines) {
        StringBuilder all = new StringBuilder();
        for (String line : lines) {
            all.append(line).append('\n');
        }
        byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= TAIL_BYTES) {
            return all.toString();
        }
        int from = bytes.length - TAIL_BYTES;
        while (from < bytes.length && (bytes[from] & 0xC0) == 0x80) {
            from++; // never start inside a UTF-8 sequence
        }
        return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    }

    static byte[] errorDocument(String errorType, String errorMessage) {
        return ("{\"errorType\":\"" + errorType + "\",\"errorMessage\":\"" + jsonEscape(errorMessage) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String jsonEscape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** The error type for platform reports: kept when it is a Runtime.* or Function.* type, as the RIE does. */
    static String platformErrorType(String posted) {
        if (posted != null && PLATFORM_ERROR_TYPE.matcher(posted).matches()) {
            return posted;
        }
        return posted != null && posted.startsWith("Function.") ? "Function.Unknown" : "Runtime.Unknown";
    }

    /** As Go's os/exec describes an exit, which AWS's messages quote. */
    static String exitDescription(int exitValue) {
        if (exitValue > 128) {
            return "signal: "
                    + switch (exitValue - 128) {
                        case 9 -> "killed";
                        case 15 -> "terminated";
                        case 6 -> "aborted";
                        case 11 -> "segmentation fault";
                        case 2 -> "interrupt";
                        default -> "signal " + (exitValue - 128);
                    };
        }
        return "exit status " + exitValue;
    }

    /** The peak resident memory of the instance's processes, for REPORT (see {@link ProcMemory}). Lock held. */
    private long maxMemoryUsedMb() {
        if (process == null || !process.isAlive()) {
            return 0;
        }
        return Math.max(1, (memory.peakKb(process) + 1023) / 1024);
    }

    /** {@code python3.12} → {@code python:3.12.v1}, {@code provided.al2023} → {@code provided:al2023.v1}. */
    private String runtimeVersion() {
        var m = java.util.regex.Pattern.compile("([a-z]+)\\.?(.*?)(\\.x)?").matcher(deployment.runtime());
        return m.matches() ? m.group(1) + ":" + m.group(2) + ".v1" : deployment.runtime() + ".v1";
    }

    private String runtimeVersionArn() {
        String hash = dev.lamina.engine.runtime.RuntimeIds.hash(deployment.runtime());
        return "arn:aws:lambda:" + config.settings().region() + "::runtime:" + hash;
    }

    /**
     * Server shutdown: an idle instance stops gracefully (within its grace), any other is killed at once and an
     * invocation in flight fails.
     */
    public void terminate() {
        boolean idle;
        lock.lock();
        try {
            idle = state == IDLE && reserved == null;
            if (idle) {
                fire(DRAIN_REQUESTED);
            }
        } finally {
            lock.unlock();
        }
        if (idle) {
            shutDown();
        } else {
            kill();
        }
    }

    /** Whether this instance is asked to exit before it is killed (its runtime writes something at exit). */
    private boolean graceful() {
        return spec != null && spec.stopGrace().isPositive();
    }

    /**
     * Stops a healthy instance: asks the runtime to exit (a JVM writes its class-data cache then), and kills it if it
     * has not exited within the launch's grace. Timeouts, crashes and failed inits use {@link #kill} instead. What
     * the runtime prints while it exits is not logged: it belongs to no invocation, and a JVM's last words about its
     * cache would only confuse the function's log.
     */
    private void shutDown() {
        if (!graceful() || process == null || !process.isAlive()) {
            kill();
            return;
        }
        if (pump != null) {
            pump.close();
        }
        config.sandbox().requestExit(process);
        try {
            timers.schedule(this::kill, spec.stopGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            kill(); // the engine is closing
        }
    }

    private void kill() {
        if (process != null && process.isAlive()) {
            config.sandbox().kill(process);
        } else if (process == null) {
            cleanUp();
        }
    }

    private void killTaken(Prestarted prestarted) {
        if (prestarted.process().isAlive()) {
            config.sandbox().kill(prestarted.process());
        }
    }

    private boolean cleanedUp;

    private void cleanUp() {
        synchronized (this) {
            if (cleanedUp) {
                return;
            }
            cleanedUp = true;
        }
        if (server != null) {
            server.close();
        }
        if (spec != null) {
            try {
                spec.afterExit().run();
            } catch (RuntimeException e) {
                log.warn("after the exit of instance {} of {}", id, deployment.functionName(), e);
            }
        }
        if (tmp != null) {
            HostFolders.deleteTree(tmp);
        }
        if (logFile != null) {
            try {
                Files.deleteIfExists(logFile);
            } catch (IOException e) {
                log.debug("cannot remove {}", logFile, e);
            }
        }
        listener.died(this);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    // ---- Read-only views, for the pool and for tests --------------------------------------------------------

    public String id() {
        return id;
    }

    public String logStream() {
        return logStream;
    }

    public FunctionDeployment deployment() {
        return deployment;
    }

    public InstanceState state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the runtime finished its init (called {@code /next} at least once). */
    public boolean wasReady() {
        lock.lock();
        try {
            return runtimeReady;
        } finally {
            lock.unlock();
        }
    }

    public long idleSinceNanos() {
        return idleSinceNanos;
    }

    /** The runtime's root process (the sandbox's), once started and while alive. */
    public java.util.Optional<ProcessHandle> processHandle() {
        lock.lock();
        try {
            return process != null && process.isAlive()
                    ? java.util.Optional.of(process.toHandle())
                    : java.util.Optional.empty();
        } finally {
            lock.unlock();
        }
    }
}
