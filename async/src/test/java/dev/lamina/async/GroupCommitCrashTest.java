package dev.lamina.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.store.EventStore;
import dev.lamina.store.StoredEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real crash for group commit: a separate JVM accepts events from 64 threads and is killed with SIGKILL while
 * doing so. Every event it acknowledged (the moment the API would answer 202) must be in the queue afterwards, whole.
 */
class GroupCommitCrashTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a guard against a hung child, not a performance assertion
    void every_acknowledged_event_survives_a_sigkill_of_the_accepting_process() throws Exception {
        Path data = dir.resolve("data");
        List<String> acked = new ArrayList<>();
        int[] killAfter = {400, 1500};
        for (int round = 0; round < killAfter.length; round++) {
            acked.addAll(runAndKill(data, "r" + round, killAfter[round]));
        }
        assertThat(acked).hasSizeGreaterThanOrEqualTo(1900);
        try (EventStore store = EventStore.open(data)) {
            List<String> missing = new ArrayList<>();
            for (String id : acked) {
                StoredEvent e = store.byRequestId(id).orElse(null);
                if (e == null) {
                    missing.add(id);
                } else {
                    assertThat(new String(e.payload(), StandardCharsets.UTF_8))
                            .startsWith("{\"id\":\"" + id + "\"")
                            .endsWith("\"}");
                    assertThat(e.state()).isEqualTo(StoredEvent.QUEUED);
                }
            }
            assertThat(missing).as("acknowledged events lost by the crash").isEmpty();
        }
    }

    private static List<String> runAndKill(Path data, String prefix, int acksBeforeKill) throws Exception {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process child = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                        GroupCommitCrashWriter.class.getName(),
                        data.toString(),
                        prefix,
                        "64")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> acked = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("A ")) {
                    acked.add(line.substring(2));
                    if (acked.size() == acksBeforeKill) {
                        child.destroyForcibly(); // SIGKILL, with accepts in flight
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(acked).as("acknowledgements before the kill").hasSize(acksBeforeKill);
        return acked;
    }
}
