package dev.lamina.engine.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ScalingRateTest {

    private final AtomicLong now = new AtomicLong();
    private final ScalingRate rate = new ScalingRate(3, now::get);

    @Test
    void a_function_starts_up_to_the_rate_at_once_then_waits_for_refill() {
        assertThat(rate.tryStart("f")).isTrue();
        assertThat(rate.tryStart("f")).isTrue();
        assertThat(rate.tryStart("f")).isTrue();
        assertThat(rate.tryStart("f")).isFalse();
        now.addAndGet(3_400_000_000L); // 3.4 s: one token back (3 per 10 s)
        assertThat(rate.tryStart("f")).isTrue();
        assertThat(rate.tryStart("f")).isFalse();
    }

    @Test
    void functions_have_their_own_buckets() {
        for (int i = 0; i < 3; i++) {
            rate.tryStart("f");
        }
        assertThat(rate.tryStart("g")).isTrue();
    }
}
