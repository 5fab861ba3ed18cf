package dev.lamina.benchmarks.load;

import dev.lamina.benchmarks.hotpath.InvokeHotPathBenchmark;
import dev.lamina.benchmarks.hotpath.LoopbackBaselineBenchmark;
import java.nio.file.Path;
import java.util.Collection;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the JMH benchmarks of the invoke hot path (in a forked JVM) and puts their results in the report. */
final class JmhPhase {

    private JmhPhase() {}

    static Collection<RunResult> run(Path out, boolean quick) throws Exception {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(InvokeHotPathBenchmark.class.getName())
                .include(LoopbackBaselineBenchmark.class.getName())
                .addProfiler(GCProfiler.class)
                .forks(1)
                .result(out.resolve("jmh.json").toString())
                .resultFormat(ResultFormatType.JSON);
        if (quick) {
            b.warmupIterations(1)
                    .warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2)
                    .measurementTime(TimeValue.seconds(1));
        }
        return new Runner(b.build()).run();
    }

    static void addSection(Report report, Collection<RunResult> results) {
        Report.Section s = report.section(
                "Invoke hot path (JMH)",
                "`Engine.invoke` → placement on a warm instance → hand-off to the runtime's parked `/next` → "
                        + "`POST /response` → completion, with an in-process fake runtime (a thread speaking the real "
                        + "Runtime API over loopback HTTP to the instance's `RuntimeApiServer`). No Lambda API, store, "
                        + "sandbox or interpreter. `procProbe` is how much of the engine's per-invoke memory probe "
                        + "(REPORT's Max Memory Used) runs: `REAL` as for a real child (a scan of all of /proc for "
                        + "descendants, then /proc/PID/status read with Files.readAllLines), `STATUS` the status read "
                        + "only, `OFF` none; the differences are their costs. "
                        + "Allocation is `gc.alloc.rate.norm` (all threads, per invoke). Raw: benchmarks/results/jmh.json.",
                "Benchmark",
                "procProbe",
                "Threads",
                "ops/s",
                "± (99.9%)",
                "µs/op (1/throughput × threads)",
                "B allocated / op");
        for (RunResult r : results) {
            var params = r.getParams();
            String name = params.getBenchmark().replaceAll("^.*\\.([^.]+\\.[^.]+)$", "$1");
            String probe = params.getParamsKeys().contains("procProbe") ? params.getParam("procProbe") : "-";
            Result<?> primary = r.getPrimaryResult();
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            double score = primary.getScore();
            Report.row(
                    s,
                    name,
                    probe,
                    params.getThreads(),
                    score,
                    primary.getScoreError(),
                    1e6 / score * params.getThreads(),
                    alloc == null ? Double.NaN : alloc.getScore());
        }
    }
}
