package dev.lamina.controlplane;

import dev.lamina.engine.invoke.ConcurrencyLimits;
import dev.lamina.store.Store;
import java.util.Optional;

/**
 * Reserved concurrency of functions: kept in the store, applied to the data plane's {@link ConcurrencyLimits}. At
 * least {@value #MIN_UNRESERVED} of the account's limit always stays unreserved, as on AWS.
 */
public final class Concurrency {

    static final int MIN_UNRESERVED = 100;
    private static final String KIND = "concurrency";

    private final Store store;
    private final Functions functions;
    private final ConcurrencyLimits limits;

    public Concurrency(Store store, Functions functions, ConcurrencyLimits limits) {
        this.store = store;
        this.functions = functions;
        this.limits = limits;
        for (FunctionRecord f : functions.list()) {
            store.getSetting(f.functionName(), KIND, "")
                    .ifPresent(v -> limits.reserve(f.functionName(), Integer.valueOf(v)));
        }
    }

    public synchronized int put(String nameParam, Integer value) {
        String name = functions.get(nameParam, null).record().functionName();
        new Validation()
                .required(value, "reservedConcurrentExecutions")
                .range(value, "reservedConcurrentExecutions", 0, Integer.MAX_VALUE)
                .check();
        int current = get(name).orElse(0);
        int unreservedAfter = limits.unreservedLimit() + current - value;
        if (unreservedAfter < MIN_UNRESERVED) {
            throw LambdaException.invalidParameter("Specified ReservedConcurrentExecutions for function decreases"
                    + " account's UnreservedConcurrentExecution below its minimum value of [" + MIN_UNRESERVED + "].");
        }
        store.putSetting(name, KIND, "", Integer.toString(value));
        limits.reserve(name, value);
        return value;
    }

    public Optional<Integer> get(String nameParam) {
        String name = functions.get(nameParam, null).record().functionName();
        return store.getSetting(name, KIND, "").map(Integer::valueOf);
    }

    public synchronized void delete(String nameParam) {
        String name = functions.get(nameParam, null).record().functionName();
        store.deleteSetting(name, KIND, "");
        limits.reserve(name, null);
    }

    /** Forgets a deleted function's reservation (the store drops it with the function). */
    public void forget(String functionName) {
        limits.reserve(functionName, null);
    }

    public int accountLimit() {
        return limits.accountLimit();
    }

    public int unreservedLimit() {
        return limits.unreservedLimit();
    }
}
