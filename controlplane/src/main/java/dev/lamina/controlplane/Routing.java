package dev.lamina.controlplane;

import java.util.Map;

/** Weighted alias routing, as a pure function. */
public final class Routing {

    private Routing() {}

    /**
     * The version an invocation of an alias runs.
     *
     * @param primary the alias's FunctionVersion
     * @param additional at most one other version with the share of invocations it gets (0.0 to 1.0)
     * @param uniform a number drawn uniformly from [0, 1)
     */
    public static String pick(String primary, Map<String, Double> additional, double uniform) {
        double threshold = 0;
        for (Map.Entry<String, Double> e : additional.entrySet()) {
            threshold += e.getValue();
            if (uniform < threshold) {
                return e.getKey();
            }
        }
        return primary;
    }
}
