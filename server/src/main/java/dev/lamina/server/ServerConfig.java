package dev.lamina.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The server's settings. Each has a command-line option and an environment variable (see {@link Main}).
 *
 * @param host the address to bind; 127.0.0.1 by default, so nothing is exposed beyond this machine
 * @param port the API port; {@value #DEFAULT_PORT} by default, 0 for any free port
 * @param dataDir the store: metadata, code, logs
 * @param region the region every ARN names
 * @param accountId the 12-digit account every ARN names
 * @param keepAlive how long an idle instance is kept warm
 * @param runtimeOverrides runtime identifier → interpreter executable
 * @param accountConcurrency the account's concurrency limit, shared by functions without reserved concurrency
 * @param memoryBudgetMb the most memory that live instances may take together (the sum of their memory sizes);
 *     by default three quarters of this machine's memory
 * @param scalingPerTenSeconds how many new instances each function may start every 10 seconds (1,000, as on AWS)
 * @param asyncDelayScale multiplies every delay of asynchronous invocation (the 1 and 2 minute retries, the
 *     throttle backoff, the maximum event age); 1 as on AWS, smaller for tests
 */
public record ServerConfig(
        String host,
        int port,
        Path dataDir,
        String region,
        String accountId,
        Duration keepAlive,
        Map<String, String> runtimeOverrides,
        int accountConcurrency,
        long memoryBudgetMb,
        int scalingPerTenSeconds,
        double asyncDelayScale) {

    public static final int DEFAULT_PORT = 7711;

    public static ServerConfig defaults() {
        return new ServerConfig(
                "127.0.0.1",
                DEFAULT_PORT,
                Path.of(System.getProperty("user.home"), ".lamina"),
                "us-east-1",
                "000000000000",
                Duration.ofMinutes(5),
                Map.of(),
                1000,
                defaultMemoryBudgetMb(),
                1000,
                1.0);
    }

    /** For tests: any free port, the given data directory, a short keep-alive. */
    public static ServerConfig forTests(Path dataDir) {
        return new ServerConfig(
                "127.0.0.1",
                0,
                dataDir,
                "us-east-1",
                "000000000000",
                Duration.ofSeconds(30),
                Map.of(),
                1000,
                defaultMemoryBudgetMb(),
                1000,
                1.0);
    }

    public ServerConfig withKeepAlive(Duration value) {
        return new ServerConfig(
                host,
                port,
                dataDir,
                region,
                accountId,
                value,
                runtimeOverrides,
                accountConcurrency,
                memoryBudgetMb,
                scalingPerTenSeconds,
                asyncDelayScale);
    }

    public ServerConfig withAccountConcurrency(int value) {
        return new ServerConfig(
                host,
                port,
                dataDir,
                region,
                accountId,
                keepAlive,
                runtimeOverrides,
                value,
                memoryBudgetMb,
                scalingPerTenSeconds,
                asyncDelayScale);
    }

    public ServerConfig withMemoryBudgetMb(long value) {
        return new ServerConfig(
                host,
                port,
                dataDir,
                region,
                accountId,
                keepAlive,
                runtimeOverrides,
                accountConcurrency,
                value,
                scalingPerTenSeconds,
                asyncDelayScale);
    }

    /** Three quarters of this machine's physical memory, in MB. */
    public static long defaultMemoryBudgetMb() {
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os.getTotalMemorySize() / (1024 * 1024) * 3 / 4;
    }

    public ServerConfig withPort(int value) {
        return new ServerConfig(
                host,
                value,
                dataDir,
                region,
                accountId,
                keepAlive,
                runtimeOverrides,
                accountConcurrency,
                memoryBudgetMb,
                scalingPerTenSeconds,
                asyncDelayScale);
    }

    /** With the delays of asynchronous invocation as on AWS. */
    public ServerConfig(
            String host,
            int port,
            Path dataDir,
            String region,
            String accountId,
            Duration keepAlive,
            Map<String, String> runtimeOverrides,
            int accountConcurrency,
            long memoryBudgetMb,
            int scalingPerTenSeconds) {
        this(
                host,
                port,
                dataDir,
                region,
                accountId,
                keepAlive,
                runtimeOverrides,
                accountConcurrency,
                memoryBudgetMb,
                scalingPerTenSeconds,
                1.0);
    }

    /** Asynchronous invocation with every delay multiplied by {@code value} (0.01: a minute is 0.6 s). */
    public ServerConfig withAsyncDelayScale(double value) {
        return new ServerConfig(
                host,
                port,
                dataDir,
                region,
                accountId,
                keepAlive,
                runtimeOverrides,
                accountConcurrency,
                memoryBudgetMb,
                scalingPerTenSeconds,
                value);
    }
}
