package dev.lamina.async;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * AWS's asynchronous invocation metrics, per function, since the server started: {@code AsyncEventsReceived},
 * {@code AsyncEventAge} (milliseconds from acceptance to each attempt) and {@code AsyncEventsDropped} (events that
 * ended without success: retries exhausted, too old, function gone; whether or not a destination got their record),
 * plus {@code DestinationDeliveryFailures}. They surface when metrics do; for now through {@code /_lamina/events}.
 */
public final class AsyncCounters {

    /** A snapshot of one function's counters. */
    public record Snapshot(
            long received,
            long dropped,
            long ageCount,
            long ageSumMillis,
            long ageMaxMillis,
            long destinationDeliveries,
            long destinationDeliveryFailures) {}

    private static final class Counters {
        final LongAdder received = new LongAdder();
        final LongAdder dropped = new LongAdder();
        final LongAdder ageCount = new LongAdder();
        final LongAdder ageSum = new LongAdder();
        final AtomicLong ageMax = new AtomicLong();
        final LongAdder deliveries = new LongAdder();
        final LongAdder deliveryFailures = new LongAdder();
    }

    private final Map<String, Counters> byFunction = new ConcurrentHashMap<>();

    private Counters of(String function) {
        return byFunction.computeIfAbsent(function, f -> new Counters());
    }

    public void received(String function) {
        of(function).received.increment();
    }

    public void dropped(String function) {
        of(function).dropped.increment();
    }

    public void eventAge(String function, long millis) {
        Counters c = of(function);
        c.ageCount.increment();
        c.ageSum.add(millis);
        c.ageMax.accumulateAndGet(millis, Math::max);
    }

    public void delivered(String function) {
        of(function).deliveries.increment();
    }

    public void deliveryFailed(String function) {
        of(function).deliveryFailures.increment();
    }

    public Snapshot snapshot(String function) {
        Counters c = byFunction.get(function);
        if (c == null) {
            return new Snapshot(0, 0, 0, 0, 0, 0, 0);
        }
        return new Snapshot(
                c.received.sum(),
                c.dropped.sum(),
                c.ageCount.sum(),
                c.ageSum.sum(),
                c.ageMax.get(),
                c.deliveries.sum(),
                c.deliveryFailures.sum());
    }
}
