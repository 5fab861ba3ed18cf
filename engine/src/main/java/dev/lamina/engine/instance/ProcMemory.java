package dev.lamina.engine.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's peak resident memory from /proc, for the REPORT line's "Max Memory Used". */
final class ProcMemory {

    private ProcMemory() {}

    /** {@code VmHWM} of the process in kB, or 0 when it cannot be read (the process is gone, or no /proc). */
    static long peakResidentKb(long pid) {
        byte[] status;
        try {
            status = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "status"));
        } catch (IOException e) {
            return 0; // gone
        }
        int at = indexOf(status, VM_HWM);
        if (at < 0) {
            return 0;
        }
        long kb = 0;
        for (int i = at + VM_HWM.length; i < status.length && status[i] != '\n'; i++) {
            if (status[i] >= '0' && status[i] <= '9') {
                kb = kb * 10 + (status[i] - '0');
            }
        }
        return kb;
    }

    private static final byte[] VM_HWM = "VmHWM:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
