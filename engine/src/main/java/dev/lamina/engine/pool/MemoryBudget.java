package dev.lamina.engine.pool;

import java.time.Duration;

/**
 * The node's memory budget: the memory sizes of live instances (starting, idle or busy) never add up past it.
 * Thread-safe; {@link #awaitRoom} waits for instances being stopped to release their share.
 */
public final class MemoryBudget {

    private final long totalMb;
    private long usedMb;

    public MemoryBudget(long totalMb) {
        this.totalMb = totalMb;
    }

    /** Takes {@code mb} if it fits; answers whether it did. */
    public synchronized boolean tryReserve(int mb) {
        if (usedMb + mb > totalMb) {
            return false;
        }
        usedMb += mb;
        return true;
    }

    public synchronized void release(int mb) {
        usedMb -= mb;
        notifyAll();
    }

    /** Waits until {@code mb} fits (and takes it), or the time is up; answers whether it was taken. */
    public synchronized boolean awaitRoom(int mb, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (usedMb + mb > totalMb) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        usedMb += mb;
        return true;
    }

    public synchronized long freeMb() {
        return totalMb - usedMb;
    }

    public long totalMb() {
        return totalMb;
    }
}
