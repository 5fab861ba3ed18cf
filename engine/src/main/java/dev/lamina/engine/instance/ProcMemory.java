package dev.lamina.engine.instance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The peak resident memory ({@code VmHWM}) of one instance's processes, read from /proc for REPORT's "Max Memory
 * Used". Not thread-safe: the instance calls it under its lock.
 *
 * <p>The process tree is found once and kept: walking /proc for descendants costs a millisecond and more on every
 * invocation, and a runtime's tree rarely changes. It is found again only when one of the kept processes is gone.
 * The sandbox's own processes (bubblewrap: the outer one and the namespace's init) run no function code and their peak
 * does not change, so it is read once, when the tree is found. The other processes' status files are kept open and
 * read again from offset 0 into one reused buffer (a /proc file is generated afresh on each read from the start), so
 * that a probe opens nothing and allocates nothing.
 */
final class ProcMemory implements AutoCloseable {

    private static final byte[] VM_HWM = "VmHWM:".getBytes(StandardCharsets.US_ASCII);
    /** The command name (/proc/PID/comm) of bubblewrap's processes. */
    private static final String SANDBOX_COMMAND = "bwrap";

    /** A status file is under 2 KB; this holds it whole, so one read at offset 0 is enough. */
    private final ByteBuffer buffer = ByteBuffer.allocate(8 * 1024);
    /** The open status files of the tree's processes whose peak may grow; null until the tree is found. */
    private FileChannel[] growing;
    /** The peak of the tree's sandbox processes, read when the tree was found. */
    private long fixedKb;

    /** The sum of the peaks of {@code process} and its descendants in kB; 0 when none can be read. */
    long peakKb(Process process) {
        if (growing == null && !find(process)) {
            return fixedKb;
        }
        long kb = fixedKb;
        boolean gone = false;
        for (FileChannel status : growing) {
            long peak = peakKb(status);
            gone |= peak == 0;
            kb += peak;
        }
        if (gone) {
            close(); // a process of the tree is gone: find the tree again next time
        }
        return kb;
    }

    /**
     * Starts from a tree found ahead ({@link Prestarted#learnTree}), so that the first probe does not walk /proc. A
     * process of it that is gone by then makes the next probe find the tree again, as always.
     */
    void seed(long[] pids) {
        if (pids != null && growing == null) {
            find(LongStream.of(pids));
        }
    }

    /** Finds the tree, reads the sandbox's processes, opens the others; false if no process of it may grow. */
    private boolean find(Process process) {
        return find(Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .mapToLong(ProcessHandle::pid));
    }

    private boolean find(LongStream pids) {
        fixedKb = 0;
        List<FileChannel> files = new ArrayList<>();
        pids.forEach(pid -> {
            FileChannel status;
            try {
                status = FileChannel.open(Path.of("/proc", Long.toString(pid), "status"));
            } catch (IOException e) {
                return; // gone already
            }
            if (isSandbox(pid)) {
                fixedKb += peakKb(status);
                closeQuietly(status);
            } else {
                files.add(status);
            }
        });
        growing = files.isEmpty() ? null : files.toArray(FileChannel[]::new);
        return growing != null;
    }

    private static boolean isSandbox(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm"))
                    .strip()
                    .equals(SANDBOX_COMMAND);
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code VmHWM} of the process of an open status file in kB, or 0 when it is gone. */
    private long peakKb(FileChannel status) {
        int length;
        try {
            length = status.read(buffer.clear(), 0);
        } catch (IOException e) {
            return 0; // gone: "No such process"
        }
        byte[] bytes = buffer.array();
        int at = indexOf(bytes, length, VM_HWM);
        if (at < 0) {
            return 0; // a zombie has no memory lines
        }
        long kb = 0;
        for (int i = at + VM_HWM.length; i < length && bytes[i] != '\n'; i++) {
            if (bytes[i] >= '0' && bytes[i] <= '9') {
                kb = kb * 10 + (bytes[i] - '0');
            }
        }
        return kb;
    }

    private static int indexOf(byte[] haystack, int length, byte[] needle) {
        outer:
        for (int i = 0; i <= length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** How many status files are kept open (the tree's processes that are not the sandbox's). */
    int keptOpen() {
        return growing == null ? 0 : growing.length;
    }

    /** Closes the kept status files; the tree is found again at the next probe. */
    @Override
    public void close() {
        if (growing != null) {
            for (FileChannel status : growing) {
                closeQuietly(status);
            }
            growing = null;
        }
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException e) {
            // nothing to keep
        }
    }
}
