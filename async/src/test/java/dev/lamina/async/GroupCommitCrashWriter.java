package dev.lamina.async;

import dev.lamina.store.EventStore;
import dev.lamina.store.StoredEvent;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child process of {@link GroupCommitCrashTest}: many threads accept events through the group-commit writer as
 * fast as they can, and each prints {@code A <request id>} only after its accept returned (that is, when the API
 * would have sent its 202). It runs until it is killed.
 */
public final class GroupCommitCrashWriter {

    private GroupCommitCrashWriter() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        String prefix = args[1];
        int threads = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        QueueWriter writer = new QueueWriter(EventStore.open(dataDir));
        AtomicInteger next = new AtomicInteger();
        out.println("READY");
        out.flush();
        for (int t = 0; t < threads; t++) {
            Thread.ofVirtual().start(() -> {
                while (true) {
                    String id = prefix + "-" + next.getAndIncrement();
                    byte[] payload = ("{\"id\":\"" + id + "\",\"pad\":\"" + "x".repeat(200) + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    StoredEvent e = StoredEvent.accepted(
                            id,
                            "crash",
                            null,
                            "arn:aws:lambda:us-east-1:000000000000:function:crash",
                            payload,
                            null,
                            System.currentTimeMillis());
                    writer.submit(store -> store.insert(e), payload.length).join();
                    synchronized (out) {
                        out.println("A " + id);
                        out.flush();
                    }
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
