package dev.lamina.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcMemoryTest {

    @Test
    void reads_the_peak_resident_memory_of_a_live_process() {
        assertThat(ProcMemory.peakResidentKb(ProcessHandle.current().pid())).isGreaterThan(1024);
    }

    @Test
    void a_process_that_is_gone_reads_as_zero() {
        assertThat(ProcMemory.peakResidentKb(Long.MAX_VALUE)).isZero();
    }
}
