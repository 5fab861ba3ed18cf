package dev.lamina.async;

import dev.lamina.store.EventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of the event queue, with group commit: callers on any thread {@link #submit} work and wait on its
 * future; the writer thread takes every piece of work waiting, runs it all in one transaction, commits once (one
 * fsync for the whole group) and only then completes the futures. Under load a group grows while the previous commit
 * is on its way to disk, so the number of syncs per second stays flat as callers multiply; alone, a caller waits for
 * one commit and no more (there is no timer).
 *
 * <p>A piece of work that throws fails alone: the group is rolled back and its pieces are run again one transaction
 * each, so that the others still commit. Work must therefore touch nothing but the store; callers change their own
 * state once the future completes.
 */
final class QueueWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueWriter.class);

    /** The most pieces of work in one transaction. */
    static final int MAX_GROUP = 1024;
    /** The most payload bytes in one transaction (a group of large events is cut short). */
    static final long MAX_GROUP_BYTES = 16L * 1024 * 1024;

    private record Work<T>(Function<EventStore, T> body, CompletableFuture<T> done, long bytes) {}

    private static final Work<Void> STOP = new Work<>(s -> null, new CompletableFuture<>(), 0);

    private final EventStore store;
    private final BlockingQueue<Work<?>> waiting = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final LongAdder commits = new LongAdder();
    private final LongAdder committedWork = new LongAdder();
    private volatile boolean closed;

    QueueWriter(EventStore store) {
        this.store = store;
        this.thread = Thread.ofPlatform().name("async-queue-writer").daemon().start(this::loop);
    }

    /** Queues work for the next group; the future completes once its transaction is durable, or fails. */
    <T> CompletableFuture<T> submit(Function<EventStore, T> body) {
        return submit(body, 0);
    }

    /** As {@link #submit(Function)}, for work that writes about {@code bytes} of payload. */
    <T> CompletableFuture<T> submit(Function<EventStore, T> body, long bytes) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("the event queue is closed"));
            return done;
        }
        waiting.add(new Work<>(body, done, bytes));
        return done;
    }

    /** Runs {@code body} in the next group and waits for its commit. */
    <T> T write(Function<EventStore, T> body) {
        return submit(body).join();
    }

    /** Transactions committed so far. */
    long commits() {
        return commits.sum();
    }

    /** Pieces of work committed so far. */
    long committedWork() {
        return committedWork.sum();
    }

    private void loop() {
        List<Work<?>> group = new ArrayList<>();
        Work<?> carried = null;
        while (true) {
            group.clear();
            try {
                group.add(carried != null ? carried : waiting.take());
            } catch (InterruptedException e) {
                break;
            }
            carried = null;
            long bytes = group.getFirst().bytes();
            while (group.size() < MAX_GROUP && bytes < MAX_GROUP_BYTES) {
                Work<?> next = waiting.poll();
                if (next == null) {
                    break;
                }
                if (next != STOP && bytes + next.bytes() > MAX_GROUP_BYTES) {
                    carried = next;
                    break;
                }
                group.add(next);
                bytes += next.bytes();
            }
            boolean stop = group.remove(STOP);
            if (!group.isEmpty()) {
                commit(group);
            }
            if (stop) {
                break;
            }
        }
        failRemaining(carried);
    }

    private void commit(List<Work<?>> group) {
        List<Runnable> completions = new ArrayList<>(group.size());
        try {
            store.inTransaction(() -> {
                completions.clear();
                for (Work<?> w : group) {
                    completions.add(prepare(w));
                }
                return null;
            });
            commits.increment();
            committedWork.add(group.size());
            completions.forEach(Runnable::run);
        } catch (RuntimeException | Error groupFailure) {
            if (group.size() == 1) {
                group.getFirst().done().completeExceptionally(groupFailure);
                return;
            }
            for (Work<?> w : group) {
                try {
                    Runnable completion = store.inTransaction(() -> prepare(w));
                    commits.increment();
                    committedWork.increment();
                    completion.run();
                } catch (RuntimeException | Error e) {
                    w.done().completeExceptionally(e);
                }
            }
        }
    }

    /** Runs the work's body now; answers how to complete its future once the transaction commits. */
    private <T> Runnable prepare(Work<T> w) {
        T result = w.body().apply(store);
        return () -> w.done().complete(result);
    }

    private void failRemaining(Work<?> carried) {
        List<Work<?>> left = new ArrayList<>();
        if (carried != null) {
            left.add(carried);
        }
        waiting.drainTo(left);
        for (Work<?> w : left) {
            w.done().completeExceptionally(new IllegalStateException("the event queue is closed"));
        }
    }

    /** Commits what is waiting, stops the writer and closes the store. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        waiting.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failRemaining(null);
        try {
            store.close();
        } catch (RuntimeException e) {
            log.warn("closing the event queue", e);
        }
    }
}
