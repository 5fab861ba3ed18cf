package dev.lamina.benchmarks.hotpath;

import dev.lamina.engine.logs.LogSink;
import dev.lamina.store.LogEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the server's log sink costs the invoke path, without the store: lines are added to a list under a lock, as
 * {@code BatchingLogSink} does, and the list is swapped out every 20 ms; the batch is dropped instead of written to
 * SQLite (that write happens on the sink's own thread, off the invoke path).
 */
final class BatchingSink implements LogSink, AutoCloseable {

    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-log-writer");
        t.setDaemon(true);
        return t;
    });
    private List<LogEvent> pending = new ArrayList<>();
    private long lines;

    BatchingSink() {
        writer.scheduleWithFixedDelay(this::flush, 20, 20, TimeUnit.MILLISECONDS);
    }

    @Override
    public void append(String logGroup, String logStream, long timestamp, String message) {
        synchronized (this) {
            pending.add(new LogEvent(0, logGroup, logStream, timestamp, message));
        }
    }

    private void flush() {
        List<LogEvent> batch;
        synchronized (this) {
            batch = pending;
            pending = new ArrayList<>();
        }
        lines += batch.size();
    }

    long lines() {
        return lines;
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
