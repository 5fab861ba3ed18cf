package dev.lamina.compat;

import static dev.lamina.compat.Fixtures.PYTHON;
import static dev.lamina.compat.Fixtures.PY_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Warm environments and parallel ones: BR-21, BR-45. */
@LaminaTest(keepAliveSeconds = 60)
class WarmReuseTest {

    @Test
    void br21_warm_environment_keeps_globals_and_tmp_until_the_configuration_changes(Lamina lamina)
            throws InterruptedException {
        String f = "br21-counter";
        lamina.createFunction(f, PYTHON, PY_HANDLER, Fixtures.python("counter"));

        Expect.jsonBodyIs(Expect.success(lamina.invoke(f, "{}")), "{\"n\": 1, \"lines\": 1}");
        Thread.sleep(1000); // the case: two invocations 1 s apart, the environment idle in between
        Expect.jsonBodyIs(Expect.success(lamina.invoke(f, "{}")), "{\"n\": 2, \"lines\": 2}");

        lamina.lambda().updateFunctionConfiguration(r -> r.functionName(f).description("changed"));
        lamina.awaitUpdated(f);

        Expect.jsonBodyIs(Expect.success(lamina.invoke(f, "{}")), "{\"n\": 1, \"lines\": 1}");
    }

    @Test
    void br45_five_concurrent_invocations_run_in_five_environments_in_parallel(Lamina lamina) throws Exception {
        String f = "br45-parallel";
        lamina.createFunction(f, PYTHON, PY_HANDLER, Fixtures.python("streamname"), 10);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResult>> calls = new ArrayList<>();

        long start;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 5; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    return lamina.invoke(f, "{}");
                }));
            }
            start = System.nanoTime();
            go.countDown();
        }
        long wallMillis = (System.nanoTime() - start) / 1_000_000;

        List<String> streams = new ArrayList<>();
        for (Future<HttpResult> call : calls) {
            HttpResult r = Expect.success(call.get());
            streams.add(r.json().asString());
        }
        assertThat(wallMillis)
                .as("5 × 2 s sleeps in parallel (plus a cold start); streams %s", streams)
                .isLessThan(4000L);
        assertThat(streams).as("log stream names").doesNotHaveDuplicates().hasSize(5);
    }
}
