package dev.lamina.server;

import dev.lamina.engine.logs.LogSink;
import dev.lamina.store.LogEvent;
import dev.lamina.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects log lines from instances in memory and writes them to the store in one transaction every few
 * milliseconds, so that logging never waits on the disk on the invoke path.
 */
final class BatchingLogSink implements LogSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchingLogSink.class);

    private final Store store;
    private final ScheduledExecutorService writer;
    private List<LogEvent> pending = new ArrayList<>();

    BatchingLogSink(Store store) {
        this.store = store;
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "log-writer");
            t.setDaemon(true);
            return t;
        });
        writer.scheduleWithFixedDelay(this::flush, 20, 20, TimeUnit.MILLISECONDS);
    }

    @Override
    public void append(String logGroup, String logStream, long timestamp, String message) {
        synchronized (this) {
            pending.add(new LogEvent(0, logGroup, logStream, timestamp, message));
        }
    }

    /** Writes what has been collected. */
    void flush() {
        List<LogEvent> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new ArrayList<>();
        }
        try {
            synchronized (store) {
                store.appendLogs(batch);
            }
        } catch (RuntimeException e) {
            log.warn("cannot write {} log lines", batch.size(), e);
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        flush();
    }
}
