package dev.lamina.benchmarks.load;

import java.util.Arrays;

/** Percentiles of a sample (nearest rank), in the sample's unit. */
record Stats(int count, double min, double p50, double p99, double p999, double max, double mean) {

    static Stats of(long[] values, int n) {
        if (n == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        double sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        return new Stats(
                n, sorted[0], rank(sorted, 0.50), rank(sorted, 0.99), rank(sorted, 0.999), sorted[n - 1], sum / n);
    }

    static Stats of(double[] values) {
        long[] scaled = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            scaled[i] = Math.round(values[i] * 1000);
        }
        Stats s = of(scaled, scaled.length);
        return new Stats(s.count, s.min / 1000, s.p50 / 1000, s.p99 / 1000, s.p999 / 1000, s.max / 1000, s.mean / 1000);
    }

    private static double rank(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.clamp(i, 0, sorted.length - 1)];
    }

    /** The same statistics divided by {@code by} (nanoseconds to microseconds: 1000). */
    Stats scaled(double by) {
        return new Stats(count, min / by, p50 / by, p99 / by, p999 / by, max / by, mean / by);
    }
}
