package dev.lamina.engine.instance;

import java.util.concurrent.ThreadLocalRandom;

/** X-Ray trace headers for invocations that arrive without one, in AWS's format. */
final class TraceIds {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TraceIds() {}

    /**
     * {@code Root=1-<8 hex epoch seconds>-<24 hex>;Parent=<16 hex>;Sampled=0;Lineage=1:<first 8 hex of the
     * parent>:0}. Built in one buffer: it is made on every invocation that came without a trace header.
     */
    static String newTraceHeader() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long parent = random.nextLong();
        StringBuilder header = new StringBuilder(104).append("Root=1-");
        hex(header, System.currentTimeMillis() / 1000, 8);
        hex(header.append('-'), random.nextLong(), 16);
        hex(header, random.nextInt(), 8);
        hex(header.append(";Parent="), parent, 16);
        hex(header.append(";Sampled=0;Lineage=1:"), parent >>> 32, 8);
        return header.append(":0").toString();
    }

    /** Appends the low {@code digits} hex digits of {@code value}, zero-padded. */
    private static void hex(StringBuilder out, long value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.append(HEX[(int) (value >>> shift) & 0xF]);
        }
    }
}
