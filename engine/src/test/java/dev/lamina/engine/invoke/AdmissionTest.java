package dev.lamina.engine.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.engine.invoke.Admission.Verdict;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    @Test
    void a_reserved_function_runs_up_to_its_reservation() {
        assertThat(Admission.decide(2, 1, 999, 10)).isEqualTo(Verdict.ADMIT);
        assertThat(Admission.decide(2, 2, 0, 10)).isEqualTo(Verdict.RESERVED_LIMIT);
        assertThat(Admission.decide(0, 0, 0, 10)).isEqualTo(Verdict.RESERVED_LIMIT);
    }

    @Test
    void other_functions_share_the_unreserved_pool() {
        assertThat(Admission.decide(null, 50, 9, 10)).isEqualTo(Verdict.ADMIT);
        assertThat(Admission.decide(null, 0, 10, 10)).isEqualTo(Verdict.ACCOUNT_LIMIT);
    }

    @Test
    void throttles_carry_the_reason_aws_gives() {
        assertThat(Verdict.RESERVED_LIMIT.reason()).isEqualTo("ReservedFunctionConcurrentInvocationLimitExceeded");
        assertThat(Verdict.ACCOUNT_LIMIT.reason()).isEqualTo("ConcurrentInvocationLimitExceeded");
    }

    @Test
    void limits_count_in_flight_invocations_and_give_them_back() {
        ConcurrencyLimits limits = new ConcurrencyLimits(3);
        limits.reserve("r", 1);
        assertThat(limits.unreservedLimit()).isEqualTo(2);
        ConcurrencyLimits.Permit reserved = limits.admit("r");
        assertThatThrownBy(() -> limits.admit("r")).isInstanceOf(Throttled.class);
        ConcurrencyLimits.Permit a = limits.admit("a");
        ConcurrencyLimits.Permit b = limits.admit("b");
        assertThatThrownBy(() -> limits.admit("c"))
                .isInstanceOfSatisfying(
                        Throttled.class, t -> assertThat(t.reason()).isEqualTo("ConcurrentInvocationLimitExceeded"));
        limits.release(a);
        limits.release(reserved);
        limits.reserve("r", null); // a reservation removed while nothing runs
        assertThat(limits.admit("c").fromUnreservedPool()).isTrue();
        limits.release(b);
        assertThat(limits.inFlight("b")).isZero();
    }
}
