package dev.lamina.model;

/**
 * The platform-wide identity every ARN is built from.
 *
 * @param region the AWS region Lamina pretends to be, such as {@code us-east-1}
 * @param accountId the 12-digit account id, such as {@code 000000000000}
 */
public record Settings(String region, String accountId) {

    public String functionArn(String functionName) {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + functionName;
    }

    public String functionArn(String functionName, String qualifier) {
        return qualifier == null ? functionArn(functionName) : functionArn(functionName) + ":" + qualifier;
    }
}
