package dev.lamina.benchmarks.hotpath;

import dev.lamina.benchmarks.net.HttpConnection;
import dev.lamina.benchmarks.net.MiniHttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor of the hot path in the same JVM and run: one HTTP/1.1 keep-alive round trip over loopback to a minimal
 * server thread. An invoke through the engine makes two such exchanges with the runtime (the event, then the
 * response and its 202) plus the caller's hand-off, so about 2× this is the least it could cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class LoopbackBaselineBenchmark {

    private static final byte[] REQUEST =
            "POST /x HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                    .getBytes(StandardCharsets.US_ASCII);

    private MiniHttpServer server;
    private HttpConnection client;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        server = new MiniHttpServer();
        client = HttpConnection.connect(server.port());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        server.close();
    }

    @Benchmark
    @Threads(1)
    public int httpRoundTrip() throws IOException {
        client.write(REQUEST);
        client.readMessage();
        return client.status();
    }
}
