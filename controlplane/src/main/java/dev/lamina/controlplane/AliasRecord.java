package dev.lamina.controlplane;

import java.util.Map;

/**
 * An alias: a name that points at a published version, and optionally sends a share of invocations to a second one.
 *
 * @param additionalVersionWeights at most one entry: version → share of invocations (0.0 to 1.0) it gets
 */
public record AliasRecord(
        String functionName,
        String name,
        String functionVersion,
        String description,
        Map<String, Double> additionalVersionWeights,
        String revisionId) {

    public AliasRecord {
        additionalVersionWeights = additionalVersionWeights == null ? Map.of() : Map.copyOf(additionalVersionWeights);
    }
}
