package dev.lamina.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvictionTest {

    private static Eviction.Candidate<String> idle(String name, long since, int mb) {
        return new Eviction.Candidate<>(name, since, mb);
    }

    @Test
    void nothing_is_stopped_when_the_budget_has_room() {
        assertThat(Eviction.choose(List.of(idle("a", 1, 128)), 128, 128)).isEmpty();
    }

    @Test
    void the_least_recently_used_are_stopped_first_and_no_more_than_needed() {
        var idle = List.of(idle("newest", 30, 128), idle("oldest", 10, 128), idle("middle", 20, 128));
        assertThat(Eviction.choose(idle, 256, 0)).containsExactly("oldest", "middle");
        assertThat(Eviction.choose(idle, 256, 128)).containsExactly("oldest");
    }

    @Test
    void nothing_is_stopped_when_even_all_idle_instances_would_not_make_room() {
        assertThat(Eviction.choose(List.of(idle("a", 1, 128)), 1024, 0)).isEmpty();
    }

    @Test
    void the_budget_never_goes_past_its_total_and_waits_for_releases() throws Exception {
        MemoryBudget budget = new MemoryBudget(256);
        assertThat(budget.tryReserve(128)).isTrue();
        assertThat(budget.tryReserve(128)).isTrue();
        assertThat(budget.tryReserve(1)).isFalse();
        assertThat(budget.awaitRoom(128, Duration.ofMillis(10))).isFalse();
        Thread.ofVirtual().start(() -> budget.release(128));
        assertThat(budget.awaitRoom(128, Duration.ofSeconds(10))).isTrue();
        assertThat(budget.freeMb()).isZero();
    }
}
