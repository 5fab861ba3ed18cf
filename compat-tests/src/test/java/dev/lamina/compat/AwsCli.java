package dev.lamina.compat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The real AWS CLI ({@code aws lambda …}) pointed at the server. */
public final class AwsCli {

    private static volatile Boolean version2;

    private final URI endpoint;

    AwsCli(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** Credentials and region for child processes, isolated from any profile on the machine. */
    static Map<String, String> credentialsEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ACCESS_KEY_ID", Lamina.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", Lamina.SECRET_KEY);
        env.put("AWS_DEFAULT_REGION", Lamina.REGION);
        env.put("AWS_REGION", Lamina.REGION);
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_MAX_ATTEMPTS", "1");
        env.put("AWS_PAGER", "");
        return env;
    }

    /** True for AWS CLI v2, which needs {@code --cli-binary-format raw-in-base64-out} for payloads. */
    public static boolean isVersion2() {
        if (version2 == null) {
            ProcessResult r = ProcessResult.run(credentialsEnv(), Duration.ofSeconds(30), "aws", "--version");
            version2 = (r.stdout() + r.stderr()).startsWith("aws-cli/2");
        }
        return version2;
    }

    /** {@code aws lambda <args> --endpoint-url … --region us-east-1 --output json}. */
    public ProcessResult lambda(String... args) {
        List<String> command = new ArrayList<>(List.of("aws", "lambda"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", endpoint.toString(), "--region", Lamina.REGION, "--output", "json"));
        return ProcessResult.run(credentialsEnv(), Duration.ofMinutes(2), command.toArray(String[]::new));
    }

    /** Arguments to put before {@code --payload} so that both CLI versions send it as raw JSON. */
    public static List<String> rawPayloadArgs() {
        return isVersion2() ? List.of("--cli-binary-format", "raw-in-base64-out") : List.of();
    }
}
