package dev.lamina.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * @param prestartedRuntimes how many runtimes may wait, started ahead, for a function to take them on at its cold
 *     start (one per runtime and memory size, the least recently used gives way); 0 turns it off
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
        double asyncDelayScale,
        int prestartedRuntimes) {

    public static final int DEFAULT_PORT = 7711;

    public ServerConfig {
        runtimeOverrides = Map.copyOf(runtimeOverrides);
        if (!accountId.matches("\\d{12}")) {
            throw new IllegalArgumentException("the account id must be 12 digits, not " + accountId);
        }
        if (!(asyncDelayScale > 0)) {
            throw new IllegalArgumentException("the async delay scale must be a positive number");
        }
        if (prestartedRuntimes < 0) {
            throw new IllegalArgumentException("the number of pre-started runtimes cannot be negative");
        }
    }

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
                1.0,
                4);
    }

    /** For tests: any free port, the given data directory, a short keep-alive. */
    public static ServerConfig forTests(Path dataDir) {
        return defaults().toBuilder()
                .port(0)
                .dataDir(dataDir)
                .keepAlive(Duration.ofSeconds(30))
                .build();
    }

    /** Three quarters of this machine's physical memory, in MB. */
    public static long defaultMemoryBudgetMb() {
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os.getTotalMemorySize() / (1024 * 1024) * 3 / 4;
    }

    public ServerConfig withKeepAlive(Duration value) {
        return toBuilder().keepAlive(value).build();
    }

    public ServerConfig withPort(int value) {
        return toBuilder().port(value).build();
    }

    public ServerConfig withAccountConcurrency(int value) {
        return toBuilder().accountConcurrency(value).build();
    }

    public ServerConfig withMemoryBudgetMb(long value) {
        return toBuilder().memoryBudgetMb(value).build();
    }

    /** Asynchronous invocation with every delay multiplied by {@code value} (0.01: a minute is 0.6 s). */
    public ServerConfig withAsyncDelayScale(double value) {
        return toBuilder().asyncDelayScale(value).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some settings of a configuration; {@link #build} checks them. */
    public static final class Builder {
        private String host;
        private int port;
        private Path dataDir;
        private String region;
        private String accountId;
        private Duration keepAlive;
        private final Map<String, String> runtimeOverrides;
        private int accountConcurrency;
        private long memoryBudgetMb;
        private int scalingPerTenSeconds;
        private double asyncDelayScale;
        private int prestartedRuntimes;

        private Builder(ServerConfig c) {
            host = c.host;
            port = c.port;
            dataDir = c.dataDir;
            region = c.region;
            accountId = c.accountId;
            keepAlive = c.keepAlive;
            runtimeOverrides = new HashMap<>(c.runtimeOverrides);
            accountConcurrency = c.accountConcurrency;
            memoryBudgetMb = c.memoryBudgetMb;
            scalingPerTenSeconds = c.scalingPerTenSeconds;
            asyncDelayScale = c.asyncDelayScale;
            prestartedRuntimes = c.prestartedRuntimes;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder dataDir(Path value) {
            dataDir = value;
            return this;
        }

        public Builder region(String value) {
            region = value;
            return this;
        }

        public Builder accountId(String value) {
            accountId = value;
            return this;
        }

        public Builder keepAlive(Duration value) {
            keepAlive = value;
            return this;
        }

        public Builder runtime(String runtimeId, String interpreter) {
            runtimeOverrides.put(runtimeId, interpreter);
            return this;
        }

        public Builder accountConcurrency(int value) {
            accountConcurrency = value;
            return this;
        }

        public Builder memoryBudgetMb(long value) {
            memoryBudgetMb = value;
            return this;
        }

        public Builder scalingPerTenSeconds(int value) {
            scalingPerTenSeconds = value;
            return this;
        }

        public Builder asyncDelayScale(double value) {
            asyncDelayScale = value;
            return this;
        }

        public Builder prestartedRuntimes(int value) {
            prestartedRuntimes = value;
            return this;
        }

        public ServerConfig build() {
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
                    asyncDelayScale,
                    prestartedRuntimes);
        }
    }
}
