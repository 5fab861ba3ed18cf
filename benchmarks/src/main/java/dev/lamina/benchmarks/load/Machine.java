package dev.lamina.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the results came from: the machine, the JDK, the commit, the load, the date. */
final class Machine {

    private Machine() {}

    static Map<String, String> describe(Path repo) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("date", OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        m.put("nproc", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("memory", memTotal());
        m.put("cpu", cpuModel());
        m.put("kernel", read("/proc/sys/kernel/osrelease"));
        m.put(
                "jdk",
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version") + " ("
                        + System.getProperty("java.vm.name") + ")");
        m.put(
                "jvm flags",
                String.join(
                        " ",
                        java.lang.management.ManagementFactory.getRuntimeMXBean()
                                .getInputArguments()));
        m.put("commit", commit(repo));
        m.put("load average at start", loadAverage());
        return m;
    }

    static String loadAverage() {
        String s = read("/proc/loadavg");
        String[] parts = s.split(" ");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : s;
    }

    private static String memTotal() {
        for (String line : lines("/proc/meminfo")) {
            if (line.startsWith("MemTotal:")) {
                long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return String.format("%.1f GiB", kb / 1024.0 / 1024.0);
            }
        }
        return "?";
    }

    private static String cpuModel() {
        for (String line : lines("/proc/cpuinfo")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "?";
    }

    /** The checked-out commit, read from .git without running git; "(uncommitted changes not shown)". */
    private static String commit(Path repo) {
        try {
            Path git = repo.resolve(".git");
            String head = Files.readString(git.resolve("HEAD")).trim();
            if (!head.startsWith("ref: ")) {
                return head;
            }
            String ref = head.substring(5);
            Path refFile = git.resolve(ref);
            if (Files.exists(refFile)) {
                return Files.readString(refFile).trim() + " (" + ref + ")";
            }
            for (String line : Files.readAllLines(git.resolve("packed-refs"))) {
                if (line.endsWith(" " + ref)) {
                    return line.substring(0, line.indexOf(' ')) + " (" + ref + ")";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a git checkout
        }
        return "?";
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static List<String> lines(String path) {
        try {
            return Files.readAllLines(Path.of(path));
        } catch (IOException e) {
            return List.of();
        }
    }
}
