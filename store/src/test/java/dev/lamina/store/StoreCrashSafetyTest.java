package dev.lamina.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real crash: a separate JVM writes to the store and is killed with SIGKILL in the middle of its work. Every write
 * it acknowledged must be there afterwards, whole, and the database must be consistent.
 */
class StoreCrashSafetyTest {

    private static final Pattern DOC = Pattern.compile(
            "\\{\"functionName\":\"(fn-\\d+)\",\"version\":\"([^\"]+)\",\"i\":(\\d+),\"pad\":\"([a-z]*)\",\"end\":\"([^\"]+)\"\\}");
    private static final Pattern LOG = Pattern.compile("batch (\\d+) line (\\d+) z+");

    @TempDir
    Path dir;

    /** What the child acknowledged, over all rounds. */
    private final Map<String, Integer> ackedNumbered = new HashMap<>(); // "name/version" → i

    private final Map<String, Integer> ackedLatest = new HashMap<>(); // name → highest acknowledged i
    private final Set<Integer> ackedLogBatches = new HashSet<>();
    private int highestAcked = -1;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a guard against a hung child, not a performance assertion
    void every_acknowledged_write_survives_a_sigkill_of_the_writing_process() throws Exception {
        Path data = dir.resolve("data");
        int[] killAfter = {150, 97, 233};
        for (int round = 0; round < killAfter.length; round++) {
            runAndKill(data, highestAcked + 1, killAfter[round]);
            verify(data);
        }
        assertThat(ackedNumbered).hasSizeGreaterThanOrEqualTo(150);
        assertThat(ackedLogBatches).isNotEmpty();
    }

    private void runAndKill(Path data, int start, int acksBeforeKill) throws Exception {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path stderr = dir.resolve("child-" + start + ".err");
        Process child = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                        StoreCrashWriter.class.getName(),
                        data.toString(),
                        Integer.toString(start))
                .redirectError(stderr.toFile())
                .start();
        List<String> lines = new ArrayList<>();
        boolean killed = false;
        try (InputStream in = child.getInputStream()) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int acks = 0;
            int b;
            while ((b = in.read()) != -1) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                // Only complete lines count: the child printed them after the store call returned.
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                lines.add(text);
                if (!text.equals("READY")) {
                    acks++;
                }
                if (acks == acksBeforeKill && !killed) {
                    assertThat(child.isAlive())
                            .as("the writer died on its own: %s", Files.readString(stderr))
                            .isTrue();
                    // SIGKILL through the process handle, which (unlike Process.destroyForcibly) leaves the pipe
                    // open, so the lines the writer acknowledged before it died can still be read.
                    assertThat(child.toHandle().destroyForcibly()).isTrue();
                    killed = true;
                }
            }
        } finally {
            if (!killed) {
                child.destroyForcibly();
            }
            child.waitFor();
        }
        assertThat(killed)
                .as(
                        "the writer stopped before %d acknowledgements; stderr: %s",
                        acksBeforeKill, Files.readString(stderr))
                .isTrue();
        assertThat(child.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        assertThat(lines).first().isEqualTo("READY");
        assertThat(lines.size() - 1).isGreaterThanOrEqualTo(acksBeforeKill);
        for (String text : lines.subList(1, lines.size())) {
            String[] parts = text.split(" ");
            switch (parts[0]) {
                case "V" -> {
                    int i = Integer.parseInt(parts[3]);
                    if (parts[2].equals("$LATEST")) {
                        ackedLatest.merge(parts[1], i, Math::max);
                    } else {
                        ackedNumbered.put(parts[1] + "/" + parts[2], i);
                    }
                    highestAcked = Math.max(highestAcked, i);
                }
                case "L" -> ackedLogBatches.add(Integer.parseInt(parts[1]));
                default -> throw new AssertionError("unexpected line from the writer: " + text);
            }
        }
    }

    private void verify(Path data) throws Exception {
        try (Store store = Store.open(data)) {
            // Every row is a whole document, the one its key says.
            List<String> all = store.listAllVersions();
            Set<String> numberedKeys = new HashSet<>();
            for (String doc : all) {
                Matcher m = DOC.matcher(doc);
                assertThat(m.matches())
                        .as("a stored row does not parse: %.200s", doc)
                        .isTrue();
                String name = m.group(1);
                String version = m.group(2);
                int i = Integer.parseInt(m.group(3));
                assertThat(doc).isEqualTo(StoreCrashWriter.doc(name, version, i));
                assertThat(name).isEqualTo(StoreCrashWriter.name(i));
                assertThat(store.getVersion(name, version)).contains(doc);
                if (!version.equals("$LATEST")) {
                    assertThat(version).isEqualTo(Integer.toString(i));
                    numberedKeys.add(name + "/" + version);
                }
                // Nothing beyond the one write that may have been in flight when the writer was killed.
                assertThat(i).isLessThanOrEqualTo(highestAcked + 1);
            }

            // Every acknowledged numbered version is there with its full document.
            for (Map.Entry<String, Integer> acked : ackedNumbered.entrySet()) {
                String[] key = acked.getKey().split("/");
                assertThat(store.getVersion(key[0], key[1]))
                        .as("acknowledged %s", acked.getKey())
                        .contains(StoreCrashWriter.doc(key[0], key[1], acked.getValue()));
            }
            // At most one numbered version was written but not acknowledged.
            Set<String> unacknowledged = new HashSet<>(numberedKeys);
            unacknowledged.removeAll(ackedNumbered.keySet());
            assertThat(unacknowledged.size()).isLessThanOrEqualTo(1);

            // $LATEST of each function is the last acknowledged replacement, or the one in flight after it.
            for (Map.Entry<String, Integer> acked : ackedLatest.entrySet()) {
                String doc = store.getVersion(acked.getKey(), "$LATEST").orElseThrow();
                Matcher m = DOC.matcher(doc);
                assertThat(m.matches()).isTrue();
                assertThat(Integer.parseInt(m.group(3)))
                        .as("$LATEST of %s", acked.getKey())
                        .isBetween(acked.getValue(), acked.getValue() + StoreCrashWriter.FUNCTIONS);
            }

            // Log batches are whole or absent; every acknowledged batch is there.
            Map<Integer, List<String>> batches = new TreeMap<>();
            long after = 0;
            List<LogEvent> page;
            while (!(page = store.readLogs(StoreCrashWriter.LOG_GROUP, after, 50)).isEmpty()) {
                for (LogEvent e : page) {
                    Matcher m = LOG.matcher(e.message());
                    assertThat(m.matches())
                            .as("a stored log line does not parse: %.100s", e.message())
                            .isTrue();
                    int i = Integer.parseInt(m.group(1));
                    assertThat(e.message()).isEqualTo(StoreCrashWriter.logMessage(i, Integer.parseInt(m.group(2))));
                    assertThat(e.logStream()).isEqualTo("stream-" + i);
                    batches.computeIfAbsent(i, k -> new ArrayList<>()).add(e.message());
                }
                after = page.getLast().seq();
            }
            for (Map.Entry<Integer, List<String>> batch : batches.entrySet()) {
                List<String> expected = StoreCrashWriter.logBatch(batch.getKey()).stream()
                        .map(LogEvent::message)
                        .toList();
                assertThat(batch.getValue()).as("log batch %d", batch.getKey()).containsExactlyElementsOf(expected);
            }
            assertThat(batches.keySet()).containsAll(ackedLogBatches);
        }

        // SQLite's own consistency check over every page and index.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("lamina.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            List<String> problems = new ArrayList<>();
            while (rs.next()) {
                problems.add(rs.getString(1));
            }
            assertThat(problems).containsExactly("ok");
        }
    }
}
