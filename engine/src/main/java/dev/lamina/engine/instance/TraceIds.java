package dev.lamina.engine.instance;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** X-Ray trace headers for invocations that arrive without one, in AWS's format. */
final class TraceIds {

    private TraceIds() {}

    /** {@code Root=1-<8 hex epoch seconds>-<24 hex>;Parent=<16 hex>;Sampled=0}. */
    static String newTraceHeader() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        byte[] root = new byte[12];
        byte[] parent = new byte[8];
        random.nextBytes(root);
        random.nextBytes(parent);
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + hex.formatHex(root) + ";Parent="
                + hex.formatHex(parent) + ";Sampled=0;Lineage=1:" + hex.formatHex(parent, 0, 4) + ":0";
    }
}
