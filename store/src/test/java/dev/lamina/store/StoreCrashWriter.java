package dev.lamina.store;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link StoreCrashSafetyTest}: writes to a store in a loop until it is killed, and prints one
 * line per write only after the store call has returned (that is, after the write was acknowledged).
 *
 * <p>Lines: {@code V <name> <version> <i>} for {@link Store#putVersion}, {@code L <i>} for {@link Store#appendLogs}.
 */
public final class StoreCrashWriter {

    static final int FUNCTIONS = 7;
    static final String LOG_GROUP = "/aws/lambda/crash";
    static final int LOGS_PER_BATCH = 5;

    private StoreCrashWriter() {}

    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        int start = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        PrintStream out = new PrintStream(
                new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        try (Store store = Store.open(dataDir)) {
            out.println("READY");
            out.flush();
            for (int i = start; ; i++) {
                String name = name(i);
                String version = Integer.toString(i);
                store.putVersion(name, version, doc(name, version, i));
                out.println("V " + name + " " + version + " " + i);
                out.flush();
                store.putVersion(name, "$LATEST", doc(name, "$LATEST", i));
                out.println("V " + name + " $LATEST " + i);
                out.flush();
                if (i % 3 == 0) {
                    store.appendLogs(logBatch(i));
                    out.println("L " + i);
                    out.flush();
                }
            }
        }
    }

    static String name(int i) {
        return "fn-" + (i % FUNCTIONS);
    }

    /**
     * The document written for iteration {@code i}: JSON-like, with a padding large enough (up to ~40 KB) to span
     * several database pages, and a trailer that repeats the identity, so a torn write cannot look whole.
     */
    static String doc(String name, String version, int i) {
        int padLength = 500 + (i * 7919) % 40_000;
        char c = (char) ('a' + i % 26);
        return "{\"functionName\":\"" + name + "\",\"version\":\"" + version + "\",\"i\":" + i + ",\"pad\":\""
                + String.valueOf(c).repeat(padLength) + "\",\"end\":\"" + name + "/" + version + "/" + i + "\"}";
    }

    static List<LogEvent> logBatch(int i) {
        return java.util.stream.IntStream.range(0, LOGS_PER_BATCH)
                .mapToObj(k -> new LogEvent(0, LOG_GROUP, "stream-" + i, i, logMessage(i, k)))
                .toList();
    }

    static String logMessage(int i, int k) {
        return "batch " + i + " line " + k + " " + "z".repeat(200 + (i * 31 + k) % 3000);
    }
}
