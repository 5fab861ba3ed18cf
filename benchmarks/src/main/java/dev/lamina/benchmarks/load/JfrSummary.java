package dev.lamina.benchmarks.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a JFR recording of the server side says, in a few rows: where CPU samples land (the top frame, and the
 * Lamina method that led there), and which Lamina methods allocate. CPU counts Java execution samples and the native
 * samples of threads that are not waiting (a /proc scan runs in native code, where execution samples do not see it).
 * Full detail: {@code jfr view hot-methods FILE}.
 */
final class JfrSummary {

    private JfrSummary() {}

    record Line(String what, String method, double percent) {}

    static List<Line> summarize(Path file, int top) throws IOException {
        Map<String, Double> self = new HashMap<>();
        Map<String, Double> lamina = new HashMap<>();
        Map<String, Double> inclusive = new HashMap<>();
        Map<String, Double> alloc = new HashMap<>();
        double samples = 0;
        double allocated = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            boolean cpu = type.equals("jdk.ExecutionSample") || (type.equals("jdk.NativeMethodSample") && !blocked(e));
            boolean memory = type.equals("jdk.ObjectAllocationSample");
            if ((!cpu && !memory) || e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            double w = cpu ? 1 : e.getLong("weight");
            String firstLamina = null;
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String m = name(f.getMethod());
                if (m.startsWith("dev.lamina.") && !m.startsWith("dev.lamina.benchmarks.")) {
                    if (firstLamina == null) {
                        firstLamina = m;
                    }
                    if (cpu && seen.add(m)) {
                        inclusive.merge(m, w, Double::sum);
                    }
                }
            }
            String key = firstLamina != null ? firstLamina : "(outside Lamina: " + topLevel(frames) + ")";
            if (cpu) {
                samples += w;
                self.merge(name(frames.get(0).getMethod()), w, Double::sum);
                lamina.merge(key, w, Double::sum);
            } else {
                allocated += w;
                alloc.merge(key, w, Double::sum);
            }
        }
        List<Line> out = new java.util.ArrayList<>();
        add(out, "CPU, top frame", self, samples, top);
        add(out, "CPU, nearest Lamina frame", lamina, samples, top);
        add(out, "CPU, Lamina method on the stack", inclusive, samples, top);
        add(out, "allocation, nearest Lamina frame", alloc, allocated, top);
        return out;
    }

    /** A native sample of a thread that waits (for I/O, a lock, a child) rather than computes. */
    private static boolean blocked(RecordedEvent e) {
        List<RecordedFrame> frames =
                e.getStackTrace() == null ? List.of() : e.getStackTrace().getFrames();
        if (frames.isEmpty()) {
            return true;
        }
        String top = name(frames.get(0).getMethod());
        return top.contains("EPoll.wait")
                || top.contains("Net.poll")
                || top.contains("Net.accept")
                || top.contains("SocketDispatcher")
                || top.contains(".park")
                || top.contains("sleep")
                || top.contains("wait")
                || top.contains("Wait");
    }

    private static String topLevel(List<RecordedFrame> frames) {
        String m = name(frames.get(frames.size() - 1).getMethod());
        for (int i = frames.size() - 1; i >= 0; i--) {
            String n = name(frames.get(i).getMethod());
            if (n.startsWith("org.eclipse.jetty")
                    || n.startsWith("jdk.internal.net.http")
                    || n.startsWith("dev.lamina")) {
                return n.replaceAll("\\.[^.]+$", ".*");
            }
        }
        return m;
    }

    private static void add(List<Line> out, String what, Map<String, Double> counts, double total, int top) {
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.add(new Line(what, e.getKey(), total == 0 ? 0 : 100 * e.getValue() / total)));
    }

    private static String name(RecordedMethod m) {
        return m == null ? "?" : m.getType().getName() + "." + m.getName();
    }
}
