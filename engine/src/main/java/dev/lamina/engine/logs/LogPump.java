package dev.lamina.engine.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Follows the file that an instance's stdout and stderr are appended to, and hands over complete lines.
 *
 * <p>Why a file and not a pipe: a runtime writes its log lines before it posts its response, and bytes appended to a
 * file are visible at once, so {@link #drain()} can read exactly everything written before the post. A pipe offers no
 * such point (its reader would need to know what is still in flight). That makes log attribution exact: every line an
 * invocation wrote comes before its END line.
 *
 * <p>Threading: a virtual thread polls for lines written between invocations (backing off to 50 ms when idle);
 * {@link #drain()} reads synchronously on the caller's thread. Both hold this object's monitor while reading.
 */
public final class LogPump {

    private static final int MAX_LINE = 256 * 1024;
    private static final long MIN_PARK_NANOS = 1_000_000;
    private static final long MAX_PARK_NANOS = 50_000_000;

    private final FileChannel channel;
    private final Consumer<String> lines;
    private final ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private volatile boolean closed;

    public LogPump(Path file, Consumer<String> lines, String name) {
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.lines = lines;
        Thread.ofVirtual().name(name).start(this::follow);
    }

    private void follow() {
        long park = MIN_PARK_NANOS;
        while (!closed) {
            boolean read = readAvailable();
            park = read ? MIN_PARK_NANOS : Math.min(MAX_PARK_NANOS, park * 2);
            LockSupport.parkNanos(park);
        }
    }

    /** Hands over every complete line written so far, and a trailing partial line too. */
    public synchronized void drain() {
        readAvailable();
        flushPartial();
    }

    /** Reads to the current end of the file; answers whether anything was read. */
    private synchronized boolean readAvailable() {
        boolean any = false;
        try {
            int n;
            while (!closed && (n = channel.read(buffer.clear())) > 0) {
                any = true;
                split(buffer.array(), n);
            }
        } catch (IOException e) {
            closed = true;
        }
        return any;
    }

    private void split(byte[] bytes, int n) {
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (bytes[i] == '\n') {
                partial.write(bytes, start, i - start);
                flushPartial();
                start = i + 1;
            }
        }
        partial.write(bytes, start, n - start);
        if (partial.size() > MAX_LINE) {
            flushPartial();
        }
    }

    private void flushPartial() {
        if (partial.size() == 0) {
            return;
        }
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        lines.accept(line);
    }

    /** Reads what is left and stops following. */
    public void close() {
        drain();
        synchronized (this) {
            closed = true;
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to read anyway
            }
        }
    }
}
