package dev.lamina.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** Closed-loop load: N callers, each on its own platform thread, each doing one operation after another. */
final class Load {

    private Load() {}

    /** One caller's operation; answers whether it succeeded. Each caller gets its own instance from the factory. */
    interface Op {
        boolean run() throws Exception;
    }

    interface OpFactory {
        Op create(int caller) throws Exception;
    }

    record Throughput(double perSecond, long ok, long errors, double seconds) {}

    /** Runs {@code callers} callers for {@code seconds} and counts the operations completed within that time. */
    static Throughput run(int callers, double seconds, OpFactory factory) throws Exception {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            ops.add(factory.create(i));
        }
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (Op op : ops) {
            threads.add(Thread.ofPlatform().name("load").start(() -> {
                ready.countDown();
                try {
                    go.await();
                    long end = window[1];
                    long mine = 0;
                    long bad = 0;
                    while (true) {
                        boolean success;
                        try {
                            success = op.run();
                        } catch (Exception e) {
                            success = false;
                        }
                        if (System.nanoTime() > end) {
                            break;
                        }
                        if (success) {
                            mine++;
                        } else {
                            bad++;
                        }
                    }
                    ok.addAndGet(mine);
                    errors.addAndGet(bad);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        ready.await();
        window[0] = System.nanoTime();
        window[1] = window[0] + (long) (seconds * 1e9);
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return new Throughput(ok.get() / seconds, ok.get(), errors.get(), seconds);
    }

    /** Runs {@code callers} callers that each do {@code count} operations; answers the failures. */
    static long repeat(int callers, int count, OpFactory factory) throws Exception {
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Op op = factory.create(i);
            threads.add(Thread.ofPlatform().name("warm").start(() -> {
                for (int k = 0; k < count; k++) {
                    try {
                        if (!op.run()) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return errors.get();
    }
}
