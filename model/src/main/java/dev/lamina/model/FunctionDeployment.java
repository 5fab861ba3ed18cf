package dev.lamina.model;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything the data plane needs to run one version of a function: an immutable snapshot taken from the control
 * plane. Two deployments with the same {@link #instanceKey()} may share warm instances; a code or configuration change
 * gives a new revision and so a new key, which is how updates reach new instances while old ones drain.
 *
 * @param functionName the bare function name
 * @param version {@code $LATEST} or a published version number
 * @param functionArn the unqualified function ARN
 * @param runtime the runtime identifier, such as {@code python3.12}
 * @param handler the handler string as configured
 * @param memorySize memory in MB
 * @param timeoutSeconds the invocation timeout in seconds
 * @param environment the user's environment variables (plain text)
 * @param codeDirectory the unzipped deployment package, read-only
 * @param revisionId changes with every change of code or configuration
 */
public record FunctionDeployment(
        String functionName,
        String version,
        String functionArn,
        String runtime,
        String handler,
        int memorySize,
        int timeoutSeconds,
        Map<String, String> environment,
        Path codeDirectory,
        String revisionId) {

    public FunctionDeployment {
        environment = Map.copyOf(environment);
    }

    /** Identifies interchangeable instances: same function, version and revision. */
    public String instanceKey() {
        return functionName + ":" + version + ":" + revisionId;
    }

    /** The log group every instance of this function writes to, as on AWS. */
    public String logGroupName() {
        return "/aws/lambda/" + functionName;
    }
}
