package dev.lamina.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lamina.engine.sandbox.BubblewrapSandbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcMemoryTest {

    private final List<Process> started = new ArrayList<>();
    private final ProcMemory memory = new ProcMemory();

    @AfterEach
    void stop() {
        memory.close();
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void the_peak_of_a_tree_is_the_sum_of_its_processes_peaks() throws Exception {
        Process shell = start("sh", "-c", "sleep 30 & sleep 30 & wait");
        awaitDescendants(shell, 2);
        assertThat(memory.peakKb(shell)).isEqualTo(sumOfPeaks(shell)).isGreaterThan(1024);
        assertThat(memory.keptOpen()).isEqualTo(3);
    }

    @Test
    void each_probe_reads_the_status_again() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is needed to grow a process");
        Process python = start(
                "/usr/bin/python3",
                "-c",
                "import sys\nsys.stdin.readline()\nb = bytearray(80_000_000)\nprint('grown', flush=True)\n"
                        + "sys.stdin.readline()");
        long before = memory.peakKb(python);
        OutputStream in = python.getOutputStream();
        in.write('\n');
        in.flush();
        BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("grown");
        long after = memory.peakKb(python);
        assertThat(after - before).isGreaterThan(70_000);
        assertThat(after).isEqualTo(sumOfPeaks(python));
    }

    @Test
    void a_process_that_is_gone_reads_as_zero() throws Exception {
        Process done = start("true");
        done.waitFor();
        assertThat(memory.peakKb(done)).isZero();
    }

    @Test
    void a_gone_process_of_the_tree_makes_the_next_probe_find_the_tree_again() throws Exception {
        Process shell = start("sh", "-c", "sleep 0.3 & sleep 30 & wait");
        awaitDescendants(shell, 2);
        memory.peakKb(shell);
        assertThat(memory.keptOpen()).isEqualTo(3);
        Thread.sleep(600); // the short sleep is gone (reaped by the shell)
        memory.peakKb(shell);
        assertThat(memory.keptOpen()).isZero();
        assertThat(memory.peakKb(shell)).isEqualTo(sumOfPeaks(shell));
        assertThat(memory.keptOpen()).isEqualTo(2);
    }

    @Test
    void bubblewrap_processes_are_read_once_and_not_kept_open() throws Exception {
        String bwrap = BubblewrapSandbox.find();
        assumeTrue(bwrap != null, "bubblewrap is not installed");
        List<String> command = new ArrayList<>(BubblewrapSandbox.hostView(bwrap));
        command.addAll(List.of("--", "/usr/bin/sleep", "30"));
        Process sandbox = start(command.toArray(String[]::new));
        awaitDescendants(sandbox, 2); // the namespace's init and the command
        assertThat(memory.peakKb(sandbox)).isEqualTo(sumOfPeaks(sandbox));
        assertThat(memory.keptOpen()).isEqualTo(1); // sleep's
        assertThat(memory.peakKb(sandbox)).isEqualTo(sumOfPeaks(sandbox));
    }

    private Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    private static void awaitDescendants(Process p, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (p.descendants().count() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(p.descendants().count()).isEqualTo(count);
    }

    /** The peaks read the plain way, one whole file per process. */
    private static long sumOfPeaks(Process p) throws IOException {
        long kb = 0;
        for (ProcessHandle h :
                Stream.concat(Stream.of(p.toHandle()), p.descendants()).toList()) {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(h.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    kb += Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        }
        return kb;
    }
}
