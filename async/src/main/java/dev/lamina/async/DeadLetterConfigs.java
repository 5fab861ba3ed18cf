package dev.lamina.async;

import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code DeadLetterConfig} of function versions (a version's setting, locked in when it is published), accepted
 * and kept as AWS does, in the event queue's store. Lamina sends nothing to SQS or SNS: an event that fails for good
 * with a dead-letter queue configured and no on-failure destination is kept as a failed event, like any other, for
 * {@code lamina events failed} and {@code redrive}.
 */
public final class DeadLetterConfigs {

    static final String KIND = "dead-letter";

    /** botocore's ResourceArn pattern; an empty TargetArn removes the dead-letter queue. */
    static final String TARGET_PATTERN = "(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()";

    private static final Pattern TARGET = Pattern.compile(TARGET_PATTERN);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Stored(String functionName, String version, String targetArn) {}

    private final QueueWriter writer;
    private final Map<String, String> byVersion = new ConcurrentHashMap<>();

    DeadLetterConfigs(QueueWriter writer) {
        this.writer = writer;
        for (String doc : writer.write(store -> store.listSettings(KIND))) {
            Stored s = JSON.readValue(doc, Stored.class);
            byVersion.put(key(s.functionName(), s.version()), s.targetArn());
        }
    }

    private static String key(String function, String version) {
        return function + ":" + version;
    }

    /** Checks a TargetArn as the model constrains it (ValidationException), before anything changes. */
    public static void validate(String targetArn) {
        if (targetArn != null && !TARGET.matcher(targetArn).matches()) {
            throw new LambdaException(
                    ErrorCode.VALIDATION,
                    Violations.message(List.of(Violations.of(
                            targetArn,
                            "deadLetterConfig.targetArn",
                            "Member must satisfy regular expression pattern: " + TARGET_PATTERN))));
        }
    }

    /** The target of a function version's dead-letter queue, if it has one. */
    public Optional<String> get(String functionName, String version) {
        return Optional.ofNullable(byVersion.get(key(functionName, version)));
    }

    /** Sets (or, with null or an empty ARN, removes) a version's dead-letter queue. */
    public synchronized void put(String functionName, String version, String targetArn) {
        validate(targetArn);
        if (targetArn == null || targetArn.isEmpty()) {
            writer.write(store -> store.deleteSetting(functionName, KIND, version));
            byVersion.remove(key(functionName, version));
            return;
        }
        String doc = JSON.writeValueAsString(new Stored(functionName, version, targetArn));
        writer.write(store -> {
            store.putSetting(functionName, KIND, version, doc);
            return null;
        });
        byVersion.put(key(functionName, version), targetArn);
    }

    /** A published version keeps the dead-letter queue $LATEST had. */
    public void published(String functionName, String version) {
        get(functionName, "$LATEST").ifPresent(target -> put(functionName, version, target));
    }

    void functionDeleted(String functionName) {
        byVersion.keySet().removeIf(k -> k.startsWith(functionName + ":"));
    }
}
