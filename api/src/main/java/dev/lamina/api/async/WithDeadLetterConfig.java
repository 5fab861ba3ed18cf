package dev.lamina.api.async;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import dev.lamina.async.DeadLetterConfigs;
import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code DeadLetterConfig} on the function operations, accepted and kept as AWS does: CreateFunction and
 * UpdateFunctionConfiguration check the request's {@code DeadLetterConfig.TargetArn} before anything changes and keep
 * it once the operation succeeded; PublishVersion locks $LATEST's into the new version; every FunctionConfiguration
 * answered shows its version's. Lamina delivers nothing to SQS or SNS; see {@link DeadLetterConfigs}.
 */
public final class WithDeadLetterConfig {

    private static final byte[] MEMBER = "DeadLetterConfig".getBytes(StandardCharsets.US_ASCII);

    private WithDeadLetterConfig() {}

    /** CreateFunction, UpdateFunctionConfiguration. */
    public static Operation writes(ApiContext ctx, Operation op) {
        return request -> {
            String target = requestedTarget(request);
            if (target != null) {
                DeadLetterConfigs.validate(target);
            }
            ApiResponse r = op.handle(request);
            if (target != null && r.status() < 300 && ctx.async() != null) {
                JsonNode c = Wire.JSON.readTree(r.body());
                String name = c.path("FunctionName").asString();
                ctx.async().deadLetters().put(name, "$LATEST", target);
                String version = c.path("Version").asString("$LATEST");
                if (!version.equals("$LATEST")) {
                    ctx.async().deadLetters().put(name, version, target); // CreateFunction with Publish
                }
            }
            return shown(ctx, r);
        };
    }

    /** PublishVersion: the new version keeps $LATEST's dead-letter queue. */
    public static Operation publishes(ApiContext ctx, Operation op) {
        return request -> {
            ApiResponse r = op.handle(request);
            if (r.status() < 300 && ctx.async() != null) {
                JsonNode c = Wire.JSON.readTree(r.body());
                ctx.async()
                        .deadLetters()
                        .published(
                                c.path("FunctionName").asString(),
                                c.path("Version").asString());
            }
            return shown(ctx, r);
        };
    }

    /** Operations that answer FunctionConfigurations. */
    public static Operation reads(ApiContext ctx, Operation op) {
        return request -> shown(ctx, op.handle(request));
    }

    /** The request's TargetArn: null when it has no DeadLetterConfig, "" when it removes it. */
    private static String requestedTarget(ApiRequest request) {
        if (indexOf(request.body(), MEMBER) < 0) {
            return null; // the common case, without parsing a body that may hold a 50 MB zip
        }
        JsonNode dlq;
        try {
            dlq = request.json().get("DeadLetterConfig");
        } catch (LambdaException e) {
            return null; // the operation answers the malformed body itself
        }
        if (dlq == null || dlq.isNull()) {
            return null;
        }
        if (!dlq.isObject()) {
            throw new LambdaException(
                    ErrorCode.INVALID_REQUEST_CONTENT,
                    "Could not parse request body into json: DeadLetterConfig must be an object");
        }
        String target = Wire.text(dlq, "TargetArn");
        return target == null ? "" : target;
    }

    /** The answer with each FunctionConfiguration in it showing its version's DeadLetterConfig. */
    private static ApiResponse shown(ApiContext ctx, ApiResponse r) {
        if (ctx.async() == null || r.status() >= 300 || r.body().length == 0) {
            return r;
        }
        JsonNode body;
        try {
            body = Wire.JSON.readTree(r.body());
        } catch (JacksonException e) {
            return r;
        }
        boolean changed = show(ctx, body);
        changed |= show(ctx, body.path("Configuration"));
        for (JsonNode c : body.path("Functions")) {
            changed |= show(ctx, c);
        }
        for (JsonNode c : body.path("Versions")) {
            changed |= show(ctx, c);
        }
        return changed ? new ApiResponse(r.status(), r.headers(), Wire.JSON.writeValueAsBytes(body)) : r;
    }

    private static boolean show(ApiContext ctx, JsonNode configuration) {
        if (!(configuration instanceof ObjectNode c) || !c.has("FunctionName") || !c.has("Version")) {
            return false;
        }
        return ctx.async()
                .deadLetters()
                .get(c.path("FunctionName").asString(), c.path("Version").asString())
                .map(target -> {
                    c.putObject("DeadLetterConfig").put("TargetArn", target);
                    return true;
                })
                .orElse(false);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
