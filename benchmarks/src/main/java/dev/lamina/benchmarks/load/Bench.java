package dev.lamina.benchmarks.load;

import dev.lamina.benchmarks.net.HttpConnection;
import dev.lamina.benchmarks.net.MiniHttpServer;
import dev.lamina.engine.runtime.PrestartKey;
import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.server.LaminaServer;
import dev.lamina.server.ServerConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.openjdk.jmh.results.RunResult;

/**
 * The benchmark harness: {@code ./lamina bench}. In one run it measures the machine's floors, then Lamina (started in
 * this JVM on port 0 with a fresh data folder) against them, prints a table, writes benchmarks/results/latest.md and
 * latest.json, and marks each of the targets PASS or MISS. See docs/benchmarks.md.
 *
 * <p>Options: {@code --quick} (fewer samples, for a smoke run), {@code --skip-jmh}, {@code --jfr} (record the
 * server side with JFR during the Python warm phases into results/jfr/), {@code --runtimes=python,node,java,custom},
 * {@code --concurrency=1,8,32,128}, {@code --out=DIR}.
 */
public final class Bench {

    private final boolean quick;
    private final boolean skipJmh;
    private final boolean jfr;
    private final Set<String> only;
    private final int[] concurrency;
    private final Path repo;
    private final Path out;
    private final Path work;
    private final Report report = new Report();
    private final Map<String, Stats> rawWarm = new LinkedHashMap<>();
    /** The server under measure (in this JVM), to find its instances' processes. */
    private LaminaServer server;
    /** The floor's round trip interleaved with the raw-client latency samples, per runtime. */
    private final Map<String, Stats> rawWarmFloor = new LinkedHashMap<>();
    /** The floor's round trip, measured interleaved with each runtime's warm latency. */
    private final Map<String, Stats> warmFloor = new LinkedHashMap<>();
    /** The floor's requests/s at 32 connections, measured just before each runtime's 32-caller run. */
    private final Map<String, Load.Throughput> floor32 = new LinkedHashMap<>();
    /** The floor's minimal server, up for the whole run. */
    private MiniHttpServer mini;

    private Bench(Map<String, String> options) throws Exception {
        quick = options.containsKey("quick");
        skipJmh = options.containsKey("skip-jmh");
        jfr = options.containsKey("jfr");
        only = options.containsKey("runtimes")
                ? new HashSet<>(
                        Arrays.asList(options.get("runtimes").toLowerCase().split(",")))
                : Set.of("python", "node", "java", "custom");
        concurrency = Arrays.stream(
                        options.getOrDefault("concurrency", "1,8,32,128").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        repo = findRepo();
        out = Path.of(options.getOrDefault(
                        "out", repo.resolve("benchmarks/results").toString()))
                .toAbsolutePath();
        Files.createDirectories(out);
        work = Files.createTempDirectory("lamina-bench");
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Map<String, String> options = new LinkedHashMap<>();
        for (String a : args) {
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + a + " (options: --quick --skip-jmh --jfr "
                        + "--runtimes=python,node,java,custom --concurrency=1,8,32,128 --out=DIR)");
            }
            int eq = a.indexOf('=');
            options.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "" : a.substring(eq + 1));
        }
        new Bench(options).run();
        System.exit(0); // JMH and the HTTP client leave non-daemon threads behind
    }

    // ---- The run -------------------------------------------------------------------------------------------

    private double seconds() {
        return quick ? 1.5 : 4;
    }

    private void run() throws Exception {
        report.machine.putAll(Machine.describe(repo));
        report.machine.put("mode", quick ? "quick (fewer samples)" : "full");
        Collection<RunResult> jmh = List.of();
        if (!skipJmh) {
            progress("JMH: the invoke hot path with an in-process fake runtime (a forked JVM; about 2 minutes)");
            jmh = JmhPhase.run(out, quick);
        }
        Runtimes runtimes = Runtimes.discover(Map.of());

        // Floors: network.
        progress("floors: loopback HTTP/1.1 round trip and requests per second");
        Stats rtt;
        Stats rttClient;
        Load.Throughput raw1;
        Load.Throughput raw32;
        Load.Throughput client32;
        HttpClient floorClient = LaminaClient.newHttpClient(); // configured as the one that drives Lamina
        mini = new MiniHttpServer();
        {
            rtt = Floors.rawRoundTrip(mini, quick ? 2_000 : 20_000, quick ? 5_000 : 50_000)
                    .scaled(1000);
            rttClient = Floors.clientRoundTrip(floorClient, mini, quick ? 1_000 : 5_000, quick ? 2_000 : 10_000)
                    .scaled(1000);
            raw1 = Floors.rawRequestsPerSecond(mini, 1, seconds());
            raw32 = Floors.rawRequestsPerSecond(mini, 32, seconds());
            client32 = Floors.clientRequestsPerSecond(floorClient, mini, 32, seconds());
        }
        Report.Section net = report.section(
                "Floors: loopback HTTP/1.1 keep-alive",
                "A minimal server in this JVM (a platform thread per connection, a fixed 200 with `{}`), a raw "
                        + "socket client (one thread per connection). The java.net.http rows show what the client that "
                        + "drives Lamina costs by itself. Measured at the start of the run; the targets use the same "
                        + "floor measured again interleaved with each runtime's phase (latency and throughput "
                        + "tables), because on this 2-vCPU VM the floor moves with the machine's load: a ping-pong "
                        + "between two threads pays a vCPU wake-up per hop when nothing else runs (about 7 µs with "
                        + "the other vCPU busy, 55 µs with it idle).",
                "Measure",
                "p50",
                "p99",
                "p99.9",
                "mean",
                "samples / errors");
        Report.row(net, "round trip, raw client (µs)", rtt.p50(), rtt.p99(), rtt.p999(), rtt.mean(), rtt.count());
        Report.row(
                net,
                "round trip, java.net.http client (µs)",
                rttClient.p50(),
                rttClient.p99(),
                rttClient.p999(),
                rttClient.mean(),
                rttClient.count());
        Report.row(
                net, "requests/s, 1 connection, raw", raw1.perSecond(), "", "", "", raw1.ok() + " / " + raw1.errors());
        Report.row(
                net,
                "requests/s, 32 connections, raw",
                raw32.perSecond(),
                "",
                "",
                "",
                raw32.ok() + " / " + raw32.errors());
        Report.row(
                net,
                "requests/s, 32 callers, java.net.http",
                client32.perSecond(),
                "",
                "",
                "",
                client32.ok() + " / " + client32.errors());

        // Floors: interpreters.
        Path javaBin = runtimes.interpreter("java21").orElseThrow();
        Path python = runtimes.interpreter("python3.12").orElseThrow();
        Path node = runtimes.interpreter("nodejs20.x").orElseThrow();
        Path javaClasses = Floors.javaClasses(work);
        Path emptySh = Floors.emptyScript(work);
        Map<String, List<String>> bareStarts = new LinkedHashMap<>();
        bareStarts.put("Java", List.of(javaBin.toString(), "-cp", javaClasses.toString(), "Hello"));
        bareStarts.put("Python", List.of(python.toString(), "-c", "pass"));
        bareStarts.put("Node", List.of(node.toString(), "-e", "0"));
        bareStarts.put("Custom", List.of(emptySh.toString()));
        Map<String, String> bareStartNames = Map.of(
                "Java", "`java Hello` (default flags)",
                "Python", "`python3 -c pass`",
                "Node", "`node -e 0`",
                "Custom", "empty `sh` script");
        Map<String, List<String>> sandboxStarts = sandboxFloors(python);

        Map<String, List<String>> idleCommands = new LinkedHashMap<>();
        idleCommands.put("Java", List.of(javaBin.toString(), "-cp", javaClasses.toString(), "Idle"));
        idleCommands.put("Python", List.of(python.toString(), "-c", "import sys; sys.stdin.read()"));
        idleCommands.put("Node", List.of(node.toString(), "-e", "setInterval(() => {}, 1 << 30)"));
        idleCommands.put("Custom", List.of("/bin/sh", "-c", "read x"));
        Functions.Fn custom = only.contains("custom") ? Functions.custom(work) : null;

        // Lamina.
        List<Functions.Fn> fns = new ArrayList<>();
        if (only.contains("python")) {
            fns.add(Functions.python());
        }
        if (only.contains("node")) {
            fns.add(Functions.node());
        }
        if (only.contains("java")) {
            Functions.Fn java = Functions.java(repo);
            if (java == null) {
                report.notes.add("Java was not measured: examples/java/target/java-functions.zip is missing "
                        + "(./mvnw -pl examples/java -am package builds it; ./lamina bench does).");
            } else {
                fns.add(java);
            }
        }
        if (custom != null) {
            fns.add(custom);
        }
        progress("starting Lamina in this JVM (port 0, data in " + work.resolve("data") + ")");
        Map<String, Stats> warm = new LinkedHashMap<>();
        Map<String, Load.Throughput> at32 = new LinkedHashMap<>();
        Map<String, Long> instanceKb = new LinkedHashMap<>();
        Map<String, Long> bareIdleKb = new LinkedHashMap<>();
        Map<String, Stats> cold = new LinkedHashMap<>();
        Map<String, Stats> bareStart = new LinkedHashMap<>();
        try (LaminaServer server =
                LaminaServer.start(ServerConfig.forTests(work.resolve("data")).withKeepAlive(Duration.ofMinutes(30)))) {
            report.machine.put("sandbox", server.sandboxName());
            LaminaClient lamina = new LaminaClient(server.endpoint());
            for (Functions.Fn fn : fns) {
                lamina.createFunction(fn.name(), fn.id(), fn.handler(), fn.zip(), 3);
            }
            Report.Section fnSection = report.section(
                    "Functions", "No-op functions, 128 MB, timeout 3 s (AWS's default).", "Runtime", "Function");
            for (Functions.Fn fn : fns) {
                Report.row(fnSection, fn.id(), fn.description());
            }
            Report.Section lat = report.section(
                    "Warm invoke latency, one caller",
                    "Invoke API (`POST /2015-03-31/functions/NAME/invocations`, payload `{}`) through java.net.http, "
                            + "one caller, on a warm instance. `REPORT Duration` is what the instance measured from "
                            + "hand-over to response (samples with `X-Amz-Log-Type: Tail`); the rest is the API, the "
                            + "engine's placement and completion, and the client. The `(raw client)` rows repeat the "
                            + "measure with the floor's own raw keep-alive client, interleaved with the floor; the "
                            + "targets use those rows, since the floor is that client's round trip.",
                    "Runtime",
                    "p50 µs",
                    "p99 µs",
                    "p99.9 µs",
                    "max µs",
                    "mean µs",
                    "samples",
                    "errors",
                    "REPORT Duration p50 µs",
                    "outside it, p50 µs",
                    "floor RTT p50 µs (interleaved)");
            Report.Section thr = report.section(
                    "Warm throughput",
                    "Closed loop: N callers (platform threads, each with its own keep-alive connection and the "
                            + "floor's raw client), each invoking "
                            + "again as soon as it is answered, for " + seconds() + " s after a ramp-up that starts at "
                            + "most 8 instances at a time. Instances: the function's instance process trees alive after "
                            + "the run. `descendants()` is what one walk of /proc for an instance's process tree costs "
                            + "at that moment (`Process.descendants()`, median of 10): the engine paid it on every "
                            + "invoke until commit 1212981, and now pays it once per instance. The floor for the "
                            + "32-caller target is measured just before that run (raw requests/s, 32 connections). CPU per "
                            + "invoke: user + system time over the run divided by the invokes, for this JVM (Lamina "
                            + "and the callers' raw clients, which cost a few µs) and for the instances' process "
                            + "trees (runtimes and their sandbox; /proc ticks of 10 ms). A voluntary context switch is a thread "
                            + "of this JVM that blocked and was woken again: each costs a wake-up on the hot path.",
                    "Runtime",
                    "Callers",
                    "invokes/s",
                    "errors",
                    "instances",
                    "CPU µs per invoke: Lamina and the callers (this JVM)",
                    "CPU µs per invoke: the instances",
                    "context switches per invoke, this JVM (voluntary + preempted)",
                    "descendants() of one instance, µs",
                    "processes on the machine");
            Report.Section mem = report.section(
                    "Idle memory of one warm instance",
                    "USS (Private_Clean + Private_Dirty from /proc/PID/smaps_rollup) summed over the instance's "
                            + "process tree, idle after the latency phase (about 12,000 invokes). The floor runs "
                            + "beside it without Lamina, idle for 2 s, and both are read at the same moment, so that "
                            + "they share their executables' pages alike (median of 3 pairs). Java's floor runs with "
                            + "default flags, as the issue asks. \"clean\": the part of a process's USS that is "
                            + "Private_Clean, pages of files (executables, libraries, class-data archives) that no "
                            + "other process maps at that moment (docs/benchmarks.md, idle memory).",
                    "Runtime",
                    "instance USS MiB",
                    "processes (USS each, of it clean file pages)",
                    "floor",
                    "floor USS MiB",
                    "ratio");
            this.server = server;
            for (Functions.Fn fn : fns) {
                measureWarm(lamina, fn, lat, thr, mem, warm, at32, instanceKb, bareIdleKb, idleCommands);
            }

            measureColdStarts(lamina, fns, bareStarts, bareStartNames, sandboxStarts, cold, bareStart);

            if (only.contains("python")) {
                measureScaleUp(lamina, cold.get("Python"));
            }
        }
        progress("engine breakdown: each runtime through the engine alone, under bubblewrap and as a plain process");
        EngineBreakdown.run(report, fns, work, work.resolve("data/runtime"), quick ? 3 : 10, quick ? 300 : 2_000);
        report.machine.put("load average at end", Machine.loadAverage());

        // Targets.
        for (Functions.Fn fn : fns) {
            // The raw client's rows: the floor is measured with that very client, so the ratio charges Lamina
            // with nothing but Lamina (docs/benchmarks.md, "Reading the numbers").
            Stats w = rawWarm.get(fn.label());
            double floor = rawWarmFloor.get(fn.label()).p50();
            report.target("Warm p50, " + fn.id(), w.p50(), floor, "µs", "bare RTT p50 (interleaved)", 10, false);
            report.target("Warm p99, " + fn.id(), w.p99(), floor, "µs", "bare RTT p50 (interleaved)", 50, false);
        }
        for (Functions.Fn fn : fns) {
            Load.Throughput t = at32.get(fn.label());
            report.targetAtLeast(
                    "Throughput at 32 callers, " + fn.id(),
                    t == null ? Double.NaN : t.perSecond(),
                    floor32.containsKey(fn.label()) ? floor32.get(fn.label()).perSecond() : raw32.perSecond(),
                    "req/s",
                    "bare req/s at 32 (just before)",
                    0.25);
        }
        for (Functions.Fn fn : fns) {
            Stats c = cold.get(fn.label());
            Stats b = bareStart.get(fn.label());
            boolean java = fn.label().equals("Java");
            report.target(
                    "Cold start, " + fn.id(),
                    c.p50(),
                    b.p50(),
                    "ms",
                    bareStartNames.get(fn.label()),
                    java ? 1 : 1.3,
                    java);
        }
        for (Functions.Fn fn : fns) {
            Long kb = instanceKb.get(fn.label());
            report.target(
                    "Idle instance memory, " + fn.id(),
                    kb == null ? Double.NaN : kb / 1024.0,
                    bareIdleKb.getOrDefault(fn.label(), 0L) / 1024.0,
                    "MiB",
                    fn.binary() != null ? "the same bootstrap, bare, waiting in /next" : "bare interpreter",
                    1.3,
                    false);
        }
        if (!jmh.isEmpty()) {
            JmhPhase.addSection(report, jmh);
        }

        String md = report.markdown();
        Files.writeString(out.resolve("latest.md"), md);
        Files.writeString(out.resolve("latest.json"), report.json());
        System.out.println();
        System.out.println(md);
        System.out.println("Written: " + out.resolve("latest.md") + " and " + out.resolve("latest.json"));
        deleteTree(work);
    }

    // ---- Warm: latency, memory, throughput -----------------------------------------------------------------

    private void measureWarm(
            LaminaClient lamina,
            Functions.Fn fn,
            Report.Section lat,
            Report.Section thr,
            Report.Section mem,
            Map<String, Stats> warm,
            Map<String, Load.Throughput> at32,
            Map<String, Long> instanceKb,
            Map<String, Long> bareIdleKb,
            Map<String, List<String>> idleCommands)
            throws Exception {
        progress(fn.id() + ": warm latency");
        HttpRequest request = lamina.invokeRequest(fn.name(), false);
        LaminaClient.Invoked first = lamina.invoke(request);
        if (!first.ok()) {
            throw new IllegalStateException(fn.id() + " does not work: " + first.status() + " " + first.body());
        }
        int warmup = quick ? 300 : 2_000;
        int samples = quick ? 1_000 : 5_000;
        for (int i = 0; i < warmup; i++) {
            lamina.invokeOk(request);
        }
        Recording recording = startJfr(fn, "warm-latency");
        long[] ns = new long[samples];
        // The floor's round trip in blocks interleaved with Lamina's: on an idle 2-vCPU VM a ping-pong pays a vCPU
        // wake-up on each hop (7 µs busy, 55 µs quiet, measured), so a floor taken at another moment is no floor.
        int blocks = 20;
        long[] floorNs = new long[samples / 2];
        int errors = 0;
        try (HttpConnection floor = HttpConnection.connect(mini.port())) {
            for (int b = 0; b < blocks; b++) {
                int from = b * samples / blocks;
                int to = (b + 1) * samples / blocks;
                for (int i = from / 2; i < to / 2; i++) {
                    long t0 = System.nanoTime();
                    floor.write(Floors.REQUEST);
                    floor.readMessage();
                    floorNs[i] = System.nanoTime() - t0;
                }
                for (int i = from; i < to; i++) {
                    long t0 = System.nanoTime();
                    if (!lamina.invokeOk(request)) {
                        errors++;
                    }
                    ns[i] = System.nanoTime() - t0;
                }
            }
        }
        stopJfr(recording, fn, "warm-latency", "one caller");
        Stats s = Stats.of(ns, samples).scaled(1000);
        Stats floorStats = Stats.of(floorNs, floorNs.length).scaled(1000);
        warmFloor.put(fn.label(), floorStats);
        warm.put(fn.label(), s);
        HttpRequest tail = lamina.invokeRequest(fn.name(), true);
        double[] durations = new double[quick ? 50 : 300];
        for (int i = 0; i < durations.length; i++) {
            durations[i] = LaminaClient.reportField(lamina.invoke(tail).logTail(), "Duration") * 1000;
        }
        double duration = Stats.of(durations).p50();
        Report.row(
                lat,
                fn.id(),
                s.p50(),
                s.p99(),
                s.p999(),
                s.max(),
                s.mean(),
                s.count(),
                errors,
                duration,
                s.p50() - duration,
                floorStats.p50());
        // The same with the floor's raw client, to tell the server's share from java.net.http's.
        byte[] raw = lamina.rawInvoke(fn.name());
        int rawSamples = quick ? 1_000 : 10_000;
        long[] rawNs = new long[rawSamples];
        int rawErrors = 0;
        long[] rawFloorNs = new long[rawSamples / 2];
        try (HttpConnection c = HttpConnection.connect(lamina.port());
                HttpConnection floor = HttpConnection.connect(mini.port())) {
            for (int i = 0; i < rawSamples / 5; i++) {
                c.write(raw);
                c.readMessage();
            }
            for (int b = 0; b < blocks; b++) {
                int from = b * rawSamples / blocks;
                int to = (b + 1) * rawSamples / blocks;
                for (int i = from / 2; i < to / 2; i++) {
                    long t0 = System.nanoTime();
                    floor.write(Floors.REQUEST);
                    floor.readMessage();
                    rawFloorNs[i] = System.nanoTime() - t0;
                }
                for (int i = from; i < to; i++) {
                    long t0 = System.nanoTime();
                    c.write(raw);
                    boolean ok = c.readMessage() && c.status() == 200 && c.header("x-amz-function-error") == null;
                    rawNs[i] = System.nanoTime() - t0;
                    if (!ok) {
                        rawErrors++;
                    }
                }
            }
        }
        Stats r = Stats.of(rawNs, rawSamples).scaled(1000);
        rawWarm.put(fn.label(), r);
        rawWarmFloor.put(fn.label(), Stats.of(rawFloorNs, rawFloorNs.length).scaled(1000));
        Report.row(
                lat,
                fn.id() + " (raw client)",
                r.p50(),
                r.p99(),
                r.p999(),
                r.max(),
                r.mean(),
                r.count(),
                rawErrors,
                "",
                Report.num(r.p50() - duration),
                Stats.of(rawFloorNs, rawFloorNs.length).scaled(1000).p50());

        progress(fn.id() + ": idle memory of the warm instance");
        Thread.sleep(2000);
        List<Long> roots = instanceRoots(fn.name());
        if (roots.size() == 1) {
            long root = roots.get(0);
            List<String> bareCommand = idleCommands.get(fn.label());
            String bareName = "bare interpreter";
            Floors.SilentServer silent = null;
            Map<String, String> env = Map.of();
            if (fn.binary() != null) {
                // A compiled bootstrap's fair floor: the same executable (the instance's own file, through
                // /proc/PID/exe), waiting in its first GET /next against a Runtime API that never answers.
                long sh = Floors.idleUssKb(bareCommand, Map.of(), 2000);
                report.notes.add("Idle `sh` waiting on read (the issue's floor for a shell-script custom runtime): "
                        + Report.num(sh / 1024.0) + " MiB USS.");
                silent = new Floors.SilentServer();
                bareCommand = List.of("/proc/" + ProcMem.leaf(root) + "/exe");
                env = Map.of("AWS_LAMBDA_RUNTIME_API", silent.address());
                bareName = "the same bootstrap, bare, waiting in /next";
            }
            long[] bare = new long[3];
            long[] inst = new long[3];
            String[] processes = new String[3];
            try {
                for (int i = 0; i < 3; i++) {
                    Floors.Pair pair = Floors.idlePair(bareCommand, env, 2000, root);
                    bare[i] = pair.bareKb();
                    inst[i] = pair.instanceKb();
                    processes[i] = pair.instanceProcesses();
                }
            } finally {
                if (silent != null) {
                    silent.close();
                }
            }
            long kb = (long) Stats.of(inst, 3).p50();
            long bareKb = (long) Stats.of(bare, 3).p50();
            instanceKb.put(fn.label(), kb);
            bareIdleKb.put(fn.label(), bareKb);
            Report.row(
                    mem,
                    fn.id(),
                    kb / 1024.0,
                    processes[1],
                    bareName + ": `" + String.join(" ", bareCommand).replaceAll("/\\S*/", "") + "`",
                    bareKb / 1024.0,
                    Report.num((double) kb / bareKb) + "×");
        } else {
            report.notes.add(fn.id() + ": expected one instance for the idle memory, found " + roots.size());
        }

        int started = 1;
        for (int callers : concurrency) {
            progress(fn.id() + ": throughput with " + callers + " callers");
            for (int k = Math.min(callers, started + 8); ; k = Math.min(callers, k + 8)) {
                Load.repeat(k, 3, i -> () -> lamina.invokeOk(request)); // ramp: at most 8 new instances at a time
                if (k == callers) {
                    break;
                }
            }
            started = Math.max(started, callers);
            Load.run(callers, 1, i -> () -> lamina.invokeOk(request));
            if (callers == 32) {
                // The floor at the same moment (see the latency phase): raw requests/s at 32 connections.
                floor32.put(fn.label(), Floors.rawRequestsPerSecond(mini, 32, Math.min(2, seconds())));
            }
            Recording rec = callers == 32 ? startJfr(fn, "throughput-32") : null;
            Load.Throughput t;
            List<Long> serving = instanceRoots(fn.name());
            long instanceTicks = ProcMem.cpuTicks(serving);
            long jvmNanos = jvmCpuNanos();
            long[] switches = ProcMem.contextSwitches(ProcessHandle.current().pid());
            try (RawCallers callersOf = new RawCallers(lamina, fn.name())) {
                t = Load.run(callers, seconds(), callersOf::caller);
            }
            double invokes = Math.max(1, t.ok() + t.errors());
            double jvmMicros = (jvmCpuNanos() - jvmNanos) / 1e3 / invokes;
            double instanceMicros = (ProcMem.cpuTicks(serving) - instanceTicks) * 10_000.0 / invokes;
            long[] switchesAfter =
                    ProcMem.contextSwitches(ProcessHandle.current().pid());
            String jvmSwitches = Report.num((switchesAfter[0] - switches[0]) / invokes) + " + "
                    + Report.num((switchesAfter[1] - switches[1]) / invokes);
            stopJfr(rec, fn, "throughput-32", "32 callers");
            if (callers == 32) {
                at32.put(fn.label(), t);
            }
            List<Long> alive = instanceRoots(fn.name());
            Report.row(
                    thr,
                    fn.id(),
                    callers,
                    t.perSecond(),
                    t.errors(),
                    alive.size(),
                    jvmMicros,
                    instanceMicros,
                    jvmSwitches,
                    alive.isEmpty() ? Double.NaN : descendantsScanMicros(alive.get(0)),
                    processCount());
        }
        // A new revision: the pool is retired and its idle instances stop, freeing the machine for the next runtime.
        lamina.updateEnvironment(fn.name(), Map.of("BENCH_PHASE", "cold"));
        Thread.sleep(1000);
    }

    private static long jvmCpuNanos() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(0L);
    }

    /** The root process of each live instance of a function, as the engine knows them. */
    private List<Long> instanceRoots(String function) {
        return server.engine().instanceProcesses(function).stream()
                .map(ProcessHandle::pid)
                .toList();
    }

    /** Raw keep-alive clients, one connection per caller, as the floor's requests per second are measured. */
    private static final class RawCallers implements AutoCloseable {
        private final LaminaClient lamina;
        private final byte[] request;
        private final List<HttpConnection> connections = new ArrayList<>();

        RawCallers(LaminaClient lamina, String function) {
            this.lamina = lamina;
            this.request = lamina.rawInvoke(function);
        }

        synchronized Load.Op caller(int index) throws IOException {
            HttpConnection c = HttpConnection.connect(lamina.port());
            connections.add(c);
            return () -> {
                c.write(request);
                return c.readMessage() && c.status() == 200 && c.header("x-amz-function-error") == null;
            };
        }

        @Override
        public synchronized void close() {
            connections.forEach(HttpConnection::close);
        }
    }

    // ---- Cold starts, interleaved with the bare starts -------------------------------------------------------

    private static final String OWN = " own process";

    /** Waits (up to 5 s) until a runtime started ahead waits for the function's runtime and memory size. */
    private void awaitPrestarted(Functions.Fn fn) throws InterruptedException {
        var key = prestartKey(fn);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (key.isPresent()
                && !server.engine().prestarts().waitingKeys().contains(key.get())
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static java.util.Optional<PrestartKey> prestartKey(Functions.Fn fn) {
        return PrestartKey.of(new FunctionDeployment(
                "f", "$LATEST", "arn", fn.id(), fn.handler(), 128, 3, Map.of(), Path.of("/"), "r"));
    }

    private static String prestartedLabel(Functions.Fn fn) {
        return prestartKey(fn).isPresent() ? " (runtime started ahead)" : " (own process: not pre-started)";
    }

    private void measureColdStarts(
            LaminaClient lamina,
            List<Functions.Fn> fns,
            Map<String, List<String>> bareStarts,
            Map<String, String> bareStartNames,
            Map<String, List<String>> sandboxStarts,
            Map<String, Stats> cold,
            Map<String, Stats> bareStart)
            throws Exception {
        int rounds = quick ? 3 : 15;
        progress("cold starts: " + rounds + " rounds, each runtime and each bare start once per round");
        Map<String, List<Double>> lamina0 = new LinkedHashMap<>();
        Map<String, List<Double>> init = new LinkedHashMap<>();
        Map<String, List<Double>> bare = new LinkedHashMap<>();
        Map<String, Integer> errors = new LinkedHashMap<>();
        for (String k : bareStarts.keySet()) {
            Floors.timeStart(bareStarts.get(k)); // page cache, JIT of the launcher path
        }
        for (int r = 0; r < rounds; r++) {
            for (var e : bareStarts.entrySet()) {
                bare.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(Floors.timeStart(e.getValue()));
            }
            for (var e : sandboxStarts.entrySet()) {
                bare.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(Floors.timeStart(e.getValue()));
            }
            for (Functions.Fn fn : fns) {
                for (boolean ownProcess : new boolean[] {false, true}) {
                    // A function that sets LANG starts its own process (docs/adr/0007-prestarted-runtimes.md); the
                    // value is Lamina's default, so the instance is otherwise the same.
                    Map<String, String> env = ownProcess
                            ? Map.of("BENCH_ROUND", Integer.toString(r), "LANG", "en_US.UTF-8")
                            : Map.of("BENCH_ROUND", Integer.toString(r));
                    lamina.updateEnvironment(fn.name(), env);
                    Thread.sleep(250); // the previous instance is killed by the update; let it go
                    if (!ownProcess) {
                        awaitPrestarted(fn);
                    }
                    HttpRequest request = lamina.invokeRequest(fn.name(), true);
                    long t0 = System.nanoTime();
                    LaminaClient.Invoked answer = lamina.invoke(request);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    String key = ownProcess ? fn.label() + OWN : fn.label();
                    if (!answer.ok()) {
                        errors.merge(key, 1, Integer::sum);
                        report.notes.add(fn.id() + " cold start failed: " + answer.status() + " " + answer.body());
                        continue;
                    }
                    lamina0.computeIfAbsent(key, k -> new ArrayList<>()).add(ms);
                    init.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(LaminaClient.reportField(answer.logTail(), "Init Duration"));
                }
            }
        }
        Report.Section s = report.section(
                "Cold start",
                "Invoke of a function with no running instance (each sample follows an UpdateFunctionConfiguration, "
                        + "which retires the previous instance) until its response, through the Invoke API. Each "
                        + "round has two samples per runtime: one that takes on a runtime started ahead (the harness "
                        + "waits until one is ready; docs/adr/0007-prestarted-runtimes.md), and one whose function "
                        + "sets `LANG` (to Lamina's default), which makes it start its own process, as the first cold "
                        + "start of a runtime and memory size does. The targets use the first. "
                        + "`Init Duration` is Lamina's own REPORT field: from the spawn of the sandbox (or the "
                        + "hand-over to a runtime started ahead) to the runtime's first `/next`. The bare start is spawn to exit of the interpreter with a clean "
                        + "environment, timed from Java in the same rounds (interleaved).",
                "Runtime",
                "Lamina p50 ms",
                "min",
                "max",
                "Init Duration p50 ms",
                "bare start",
                "bare p50 ms",
                "bare min",
                "ratio p50",
                "samples");
        for (Functions.Fn fn : fns) {
            for (String key : List.of(fn.label(), fn.label() + OWN)) {
                if (!lamina0.containsKey(key)) {
                    continue;
                }
                Stats c = Stats.of(toArray(lamina0.getOrDefault(key, List.of())));
                Stats i = Stats.of(toArray(init.getOrDefault(key, List.of())));
                Stats b = Stats.of(toArray(bare.get(fn.label())));
                if (key.equals(fn.label())) {
                    cold.put(fn.label(), c);
                    bareStart.put(fn.label(), b);
                }
                Report.row(
                        s,
                        fn.id() + (key.equals(fn.label()) ? prestartedLabel(fn) : " (own process)"),
                        c.p50(),
                        c.min(),
                        c.max(),
                        i.p50(),
                        bareStartNames.get(fn.label()),
                        b.p50(),
                        b.min(),
                        Report.num(c.p50() / b.p50()) + "×",
                        c.count() + (errors.containsKey(key) ? " (" + errors.get(key) + " failed)" : ""));
            }
        }
        for (String k : sandboxStarts.keySet()) {
            Stats b = Stats.of(toArray(bare.get(k)));
            Report.row(s, "(floor) " + k, "", "", "", "", "", b.p50(), b.min(), "", b.count());
        }
    }

    /** Informational floors: bubblewrap with Lamina's flags around /bin/true and python3 -c pass. */
    private static Map<String, List<String>> sandboxFloors(Path python) throws Exception {
        Map<String, List<String>> m = new LinkedHashMap<>();
        String bwrap = dev.lamina.engine.sandbox.BubblewrapSandbox.find();
        if (bwrap == null) {
            return m;
        }
        List<String> args = new ArrayList<>(dev.lamina.engine.sandbox.BubblewrapSandbox.hostView(bwrap));
        args.add("--");
        List<String> truth = new ArrayList<>(args);
        truth.add("/bin/true");
        m.put("bwrap (Lamina's flags) /bin/true", truth);
        List<String> py = new ArrayList<>(args);
        py.addAll(List.of(python.toString(), "-c", "pass"));
        m.put("bwrap (Lamina's flags) python3 -c pass", py);
        return m;
    }

    // ---- Scale-up --------------------------------------------------------------------------------------------

    private void measureScaleUp(LaminaClient lamina, Stats pythonCold) throws Exception {
        int samples = quick ? 1 : 3;
        int callers = 50;
        progress("scale-up: " + callers + " concurrent callers on a new Python function, " + samples + " samples");
        Report.Section s = report.section(
                "Scale-up",
                callers + " callers released at once on a Python function with no instance (a new function per "
                        + "sample, deleted after it); each invokes once. The function answers its log stream, so "
                        + "the distinct answers count the instances that served the burst. For scale: the Python "
                        + "cold start p50 of this run was " + Report.num(pythonCold.p50()) + " ms.",
                "Sample",
                "all served ms",
                "caller p50 ms",
                "caller max ms",
                "distinct instances",
                "errors");
        Functions.Fn fn = Functions.pythonStream();
        for (int sample = 0; sample < samples; sample++) {
            String name = "bench-scale-" + sample;
            lamina.createFunction(name, fn.id(), fn.handler(), fn.zip(), 30);
            HttpRequest request = lamina.invokeRequest(name, false);
            CountDownLatch ready = new CountDownLatch(callers);
            CountDownLatch go = new CountDownLatch(1);
            double[] latencies = new double[callers];
            Set<String> streams = ConcurrentHashMap.newKeySet();
            int[] failed = new int[1];
            List<Thread> threads = new ArrayList<>();
            long[] start = new long[1];
            for (int i = 0; i < callers; i++) {
                int me = i;
                threads.add(Thread.ofPlatform().start(() -> {
                    ready.countDown();
                    try {
                        go.await();
                        LaminaClient.Invoked a = lamina.invoke(request);
                        latencies[me] = (System.nanoTime() - start[0]) / 1e6;
                        if (a.ok()) {
                            streams.add(a.body());
                        } else {
                            synchronized (failed) {
                                failed[0]++;
                            }
                        }
                    } catch (Exception e) {
                        synchronized (failed) {
                            failed[0]++;
                        }
                    }
                }));
            }
            ready.await();
            start[0] = System.nanoTime();
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            double all = (System.nanoTime() - start[0]) / 1e6;
            Stats st = Stats.of(latencies);
            Report.row(s, sample + 1, all, st.p50(), st.max(), streams.size(), failed[0]);
            lamina.deleteFunction(name);
            Thread.sleep(2000);
        }
    }

    // ---- JFR -------------------------------------------------------------------------------------------------

    private Recording startJfr(Functions.Fn fn, String phase) throws Exception {
        if (!jfr || !fn.label().equals("Python")) {
            return null;
        }
        Recording r = new Recording(Configuration.getConfiguration("profile"));
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
        r.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(2));
        r.setName(fn.label() + "-" + phase);
        r.start();
        return r;
    }

    private void stopJfr(Recording r, Functions.Fn fn, String phase, String what) throws Exception {
        if (r == null) {
            return;
        }
        r.stop();
        Path dir = Files.createDirectories(out.resolve("jfr"));
        Path file = dir.resolve(fn.label().toLowerCase() + "-" + phase + ".jfr");
        r.dump(file);
        r.close();
        Report.Section s = report.section(
                "Profile: " + fn.id() + ", " + what + " (server side, JFR)",
                "Whole JVM (Lamina and the load generator share it). `jfr view hot-methods " + repo.relativize(file)
                        + "` for more.",
                "What",
                "Method",
                "%");
        for (JfrSummary.Line line : JfrSummary.summarize(file, 8)) {
            Report.row(s, line.what(), "`" + line.method() + "`", line.percent());
        }
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------

    /** Microseconds one {@code ProcessHandle.descendants()} of a process takes now (median of 10). */
    private static double descendantsScanMicros(long pid) {
        var h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return Double.NaN;
        }
        long[] ns = new long[10];
        for (int i = 0; i < ns.length; i++) {
            long t0 = System.nanoTime();
            h.get().descendants().count();
            ns[i] = System.nanoTime() - t0;
        }
        return Stats.of(ns, ns.length).p50() / 1000;
    }

    private static int processCount() {
        String[] pids = new java.io.File("/proc").list((d, n) -> n.chars().allMatch(Character::isDigit));
        return pids == null ? 0 : pids.length;
    }

    private static long medianIdleKb(List<String> command, Map<String, String> env) throws Exception {
        List<Long> kbs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            kbs.add(Floors.idleUssKb(command, env, 2000));
        }
        kbs.sort(Comparator.naturalOrder());
        return kbs.get(1);
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void progress(String what) {
        System.err.println("[bench " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + what);
    }

    /** The repository: where benchmarks/ is, from this class's location (benchmarks/target/classes) or the cwd. */
    private static Path findRepo() throws URISyntaxException {
        Path code = Path.of(
                Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (Path p = code; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("benchmarks/pom.xml"))) {
                return p;
            }
        }
        return Path.of("").toAbsolutePath();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // best effort
        }
    }
}
