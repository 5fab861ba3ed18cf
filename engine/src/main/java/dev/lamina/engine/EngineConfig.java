package dev.lamina.engine;

import dev.lamina.engine.logs.LogSink;
import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.engine.sandbox.Sandbox;
import dev.lamina.model.Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the data plane is built from.
 *
 * @param settings region and account, for ARNs and the instances' environment
 * @param sandbox how instances are started
 * @param runtimes the interpreters of this host
 * @param runtimeDirectory the runtimes' own files, one folder per runtime family (python, nodejs, java, provided);
 *     an instance sees its family's folder at /var/runtime
 * @param instancesDirectory where each instance's private /tmp is made (and removed)
 * @param logSink where log lines go
 * @param keepAlive how long an idle instance is kept before it is stopped
 * @param initTimeout the limit on a runtime's init (10 s on AWS)
 * @param lambdaEndpoint this server's URL, given to functions as {@code AWS_ENDPOINT_URL_LAMBDA}
 * @param accountConcurrency the account's concurrency limit (AWS's default quota is 1000)
 * @param memoryBudgetMb the most memory (sum of the functions' memory sizes) that live instances may take
 * @param scalingPerTenSeconds how many new instances each function may start every 10 seconds (1,000 on AWS)
 * @param prestartedRuntimes how many runtimes may wait, started ahead, for a function to take them on (one per
 *     runtime and memory size; docs/adr/0007-prestarted-runtimes.md); 0 turns that off
 */
public record EngineConfig(
        Settings settings,
        Sandbox sandbox,
        Runtimes runtimes,
        Path runtimeDirectory,
        Path instancesDirectory,
        LogSink logSink,
        Duration keepAlive,
        Duration initTimeout,
        String lambdaEndpoint,
        int accountConcurrency,
        long memoryBudgetMb,
        int scalingPerTenSeconds,
        int prestartedRuntimes) {

    /** Without pre-started runtimes. */
    public EngineConfig(
            Settings settings,
            Sandbox sandbox,
            Runtimes runtimes,
            Path runtimeDirectory,
            Path instancesDirectory,
            LogSink logSink,
            Duration keepAlive,
            Duration initTimeout,
            String lambdaEndpoint,
            int accountConcurrency,
            long memoryBudgetMb,
            int scalingPerTenSeconds) {
        this(
                settings,
                sandbox,
                runtimes,
                runtimeDirectory,
                instancesDirectory,
                logSink,
                keepAlive,
                initTimeout,
                lambdaEndpoint,
                accountConcurrency,
                memoryBudgetMb,
                scalingPerTenSeconds,
                0);
    }
}
