package dev.lamina.engine.logs;

/** Where instances' log lines go (the store, batched). Must not block: it is called on the invoke path. */
@FunctionalInterface
public interface LogSink {
    void append(String logGroup, String logStream, long timestamp, String message);
}
