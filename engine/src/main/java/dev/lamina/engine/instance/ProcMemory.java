package dev.lamina.engine.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's peak resident memory from /proc, for the REPORT line's "Max Memory Used". */
final class ProcMemory {

    private ProcMemory() {}

    /** {@code VmHWM} of the process in kB, or 0 when it cannot be read (the process is gone, or no /proc). */
    static long peakResidentKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone
        }
        return 0;
    }
}
