package dev.lamina.controlplane;

import java.util.List;
import java.util.Map;

/**
 * One version of a function as the control plane keeps it: what FunctionConfiguration reports, plus the hex digest
 * that names its code blob. Immutable; an update makes a new record with a new revision id. Stored as JSON.
 */
public record FunctionRecord(
        String functionName,
        String version,
        String runtime,
        String handler,
        String role,
        String description,
        int memorySize,
        int timeout,
        int ephemeralStorage,
        List<String> architectures,
        Map<String, String> environment,
        String codeSha256Hex,
        String codeSha256,
        long codeSize,
        String lastModified,
        String revisionId,
        String logFormat,
        Map<String, String> tags) {

    public FunctionRecord {
        architectures = List.copyOf(architectures);
        environment = Map.copyOf(environment);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** The same function at another version label (publishing), with the version's description if given. */
    public FunctionRecord asVersion(String newVersion, String versionDescription) {
        return new FunctionRecord(
                functionName,
                newVersion,
                runtime,
                handler,
                role,
                versionDescription != null ? versionDescription : description,
                memorySize,
                timeout,
                ephemeralStorage,
                architectures,
                environment,
                codeSha256Hex,
                codeSha256,
                codeSize,
                lastModified,
                revisionId,
                logFormat,
                tags);
    }
}
