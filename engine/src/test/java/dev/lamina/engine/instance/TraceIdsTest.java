package dev.lamina.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceIdsTest {

    @Test
    void a_new_trace_header_has_aws_shape_with_the_epoch_seconds_and_the_parent_as_lineage() {
        long before = System.currentTimeMillis() / 1000;
        String header = TraceIds.newTraceHeader();
        long after = System.currentTimeMillis() / 1000;
        assertThat(header)
                .matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0;Lineage=1:[0-9a-f]{8}:0");
        long seconds = Long.parseLong(header.substring("Root=1-".length(), "Root=1-".length() + 8), 16);
        assertThat(seconds).isBetween(before, after);
        String parent = header.replaceAll(".*;Parent=([0-9a-f]{16});.*", "$1");
        assertThat(header).endsWith(";Lineage=1:" + parent.substring(0, 8) + ":0");
    }

    @Test
    void trace_headers_differ() {
        Set<String> roots = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            roots.add(TraceIds.newTraceHeader().substring(0, 40));
        }
        assertThat(roots).hasSize(1000);
    }
}
