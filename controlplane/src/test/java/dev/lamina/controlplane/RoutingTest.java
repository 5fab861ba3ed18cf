package dev.lamina.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTest {

    @Test
    void without_weights_the_primary_version_runs() {
        assertThat(Routing.pick("1", Map.of(), 0.0)).isEqualTo("1");
    }

    @Test
    void the_second_version_gets_draws_below_its_weight() {
        assertThat(Routing.pick("1", Map.of("2", 0.3), 0.0)).isEqualTo("2");
        assertThat(Routing.pick("1", Map.of("2", 0.3), 0.2999)).isEqualTo("2");
        assertThat(Routing.pick("1", Map.of("2", 0.3), 0.3)).isEqualTo("1");
        assertThat(Routing.pick("1", Map.of("2", 0.3), 0.99)).isEqualTo("1");
    }

    @Test
    void weight_one_sends_everything_to_the_second_version_and_zero_nothing() {
        assertThat(Routing.pick("1", Map.of("2", 1.0), 0.999999)).isEqualTo("2");
        assertThat(Routing.pick("1", Map.of("2", 0.0), 0.0)).isEqualTo("1");
    }
}
