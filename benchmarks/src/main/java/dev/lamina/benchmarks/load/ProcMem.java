package dev.lamina.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Private memory (USS) of processes from /proc, and the process trees of Lamina's instances. */
final class ProcMem {

    private ProcMem() {}

    /** Private_Clean + Private_Dirty of one process, in KiB, from /proc/PID/smaps_rollup; 0 when it is gone. */
    static long ussKb(long pid) {
        return rollupKb(pid, "Private_Clean:") + rollupKb(pid, "Private_Dirty:");
    }

    /**
     * Private_Clean of one process, in KiB: the part of its USS that is pages of files (executables, libraries,
     * class-data archives) which no other process maps at that moment, page cache that another process of the same
     * executable would share.
     */
    static long privateCleanKb(long pid) {
        return rollupKb(pid, "Private_Clean:");
    }

    private static long rollupKb(long pid, String field) {
        long kb = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith(field)) {
                    kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return kb;
    }

    /** USS summed over a process and all its descendants, in KiB. */
    static long treeUssKb(long pid) {
        long kb = ussKb(pid);
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            kb += handle.get().descendants().mapToLong(h -> ussKb(h.pid())).sum();
        }
        return kb;
    }

    /** A process and its descendants (none when it is gone). */
    private static Stream<ProcessHandle> tree(long root) {
        return ProcessHandle.of(root).stream().flatMap(h -> Stream.concat(Stream.of(h), h.descendants()));
    }

    /** CPU time (user + system) of the given processes and their descendants, in clock ticks (1/100 s). */
    static long cpuTicks(List<Long> roots) {
        return roots.stream()
                .flatMap(ProcMem::tree)
                .mapToLong(h -> cpuTicks(h.pid()))
                .sum();
    }

    /** utime + stime of one process from /proc/PID/stat; 0 when it is gone. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the fields after the command (which may hold spaces) start with the state, field 3
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Context switches of all the threads of a process (voluntary: a thread blocked, waiting to be woken; involuntary:
     * preempted), from /proc/PID/task/TID/status. Threads that ended meanwhile are not counted.
     */
    static long[] contextSwitches(long pid) {
        long[] both = new long[2];
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            both[0] += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            both[1] += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended
                }
            });
        } catch (IOException e) {
            // the process ended
        }
        return both;
    }

    /** The leaf of an instance's tree (the runtime under its sandbox processes): the childless one with most USS. */
    static long leaf(long root) {
        return tree(root)
                .filter(h -> h.children().findAny().isEmpty())
                .max(java.util.Comparator.comparingLong(h -> ussKb(h.pid())))
                .map(ProcessHandle::pid)
                .orElse(root);
    }

    /** The processes (command, USS and its clean file pages when there are some) of a tree, for the report. */
    static String treeDescription(long pid) {
        List<String> parts = new ArrayList<>();
        tree(pid).forEach(h -> {
            long clean = privateCleanKb(h.pid());
            parts.add(h.info()
                            .command()
                            .map(c -> Path.of(c).getFileName().toString())
                            .orElse("?") + " " + ussKb(h.pid()) + " KiB"
                    + (clean > 0 ? " (" + clean + " clean)" : ""));
        });
        return String.join(" + ", parts);
    }
}
