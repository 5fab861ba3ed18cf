package dev.lamina.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Checks every cell of the lifecycle table against a second, independent copy of it written here as text (the same
 * table as docs/lifecycle.md). A change to either without the other fails.
 */
class LifecycleTest {

    private static final List<InstanceEvent> COLUMNS = List.of(
            InstanceEvent.SPAWNED,
            InstanceEvent.RUNTIME_READY,
            InstanceEvent.INIT_FAILED,
            InstanceEvent.INIT_TIMED_OUT,
            InstanceEvent.ASSIGNED,
            InstanceEvent.RESPONSE_SENT,
            InstanceEvent.ERROR_SENT,
            InstanceEvent.INVOKE_TIMED_OUT,
            InstanceEvent.IDLE_EXPIRED,
            InstanceEvent.DRAIN_REQUESTED,
            InstanceEvent.DRAINED,
            InstanceEvent.PROCESS_EXITED);

    // from \ event: SPAWNED RUNTIME_READY INIT_FAILED INIT_TIMED_OUT ASSIGNED RESPONSE_SENT ERROR_SENT
    //               INVOKE_TIMED_OUT IDLE_EXPIRED DRAIN_REQUESTED DRAINED PROCESS_EXITED      ("-" = illegal)
    private static final String TABLE = """
            COLD         INITIALIZING -        -    -    -        -    -    -    -    DEAD     -    -
            INITIALIZING -            IDLE     DEAD DEAD -        -    -    -    -    DRAINING -    DEAD
            IDLE         -            IDLE     -    -    BUSY     -    -    -    DEAD DEAD     -    DEAD
            BUSY         -            -        -    -    -        IDLE IDLE DEAD -    DRAINING -    DEAD
            DRAINING     -            DRAINING DEAD DEAD DRAINING DEAD DEAD DEAD -    DRAINING DEAD DEAD
            DEAD         -            -        -    -    -        -    -    -    -    -        -    DEAD
            """;

    @Test
    void every_state_and_event_leads_where_the_table_says() {
        List<String> rows = TABLE.lines().filter(l -> !l.isBlank()).toList();
        assertThat(rows).hasSize(InstanceState.values().length);
        for (String row : rows) {
            String[] cells = row.trim().split("\\s+");
            InstanceState from = InstanceState.valueOf(cells[0]);
            assertThat(cells).hasSize(COLUMNS.size() + 1);
            for (int i = 0; i < COLUMNS.size(); i++) {
                Optional<InstanceState> expected =
                        cells[i + 1].equals("-") ? Optional.empty() : Optional.of(InstanceState.valueOf(cells[i + 1]));
                assertThat(Lifecycle.next(from, COLUMNS.get(i)))
                        .as("%s + %s", from, COLUMNS.get(i))
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void the_table_covers_every_event() {
        assertThat(COLUMNS).containsExactlyInAnyOrder(InstanceEvent.values());
    }

    @Test
    void dead_is_terminal_apart_from_the_exit_that_follows_a_kill() {
        for (InstanceEvent event : InstanceEvent.values()) {
            Optional<InstanceState> next = Lifecycle.next(InstanceState.DEAD, event);
            if (event == InstanceEvent.PROCESS_EXITED) {
                assertThat(next).contains(InstanceState.DEAD);
            } else {
                assertThat(next).as("DEAD + %s", event).isEmpty();
            }
        }
    }

    @Test
    void a_process_exit_always_ends_in_dead_except_before_spawning() {
        Arrays.stream(InstanceState.values())
                .filter(s -> s != InstanceState.COLD)
                .forEach(s -> assertThat(Lifecycle.next(s, InstanceEvent.PROCESS_EXITED))
                        .contains(InstanceState.DEAD));
    }
}
