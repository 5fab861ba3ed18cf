package dev.lamina.api;

import dev.lamina.controlplane.FunctionRecord;
import dev.lamina.controlplane.FunctionSettings;
import dev.lamina.controlplane.LambdaException;
import dev.lamina.model.Settings;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON encoding and decoding of the Lambda API's shapes, as botocore's service model defines them. */
public final class Wire {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private Wire() {}

    /** The FunctionConfiguration shape. */
    public static ObjectNode configuration(FunctionRecord r, Settings settings) {
        ObjectNode c = JSON.createObjectNode();
        c.put("FunctionName", r.functionName());
        c.put(
                "FunctionArn",
                r.version().equals("$LATEST")
                        ? settings.functionArn(r.functionName())
                        : settings.functionArn(r.functionName(), r.version()));
        c.put("Runtime", r.runtime());
        c.put("Role", r.role());
        if (r.handler() != null) {
            c.put("Handler", r.handler());
        }
        c.put("CodeSize", r.codeSize());
        c.put("Description", r.description());
        c.put("Timeout", r.timeout());
        c.put("MemorySize", r.memorySize());
        c.put("LastModified", r.lastModified());
        c.put("CodeSha256", r.codeSha256());
        c.put("Version", r.version());
        if (!r.environment().isEmpty()) {
            ObjectNode vars = c.putObject("Environment").putObject("Variables");
            r.environment().forEach(vars::put);
        }
        c.putObject("TracingConfig").put("Mode", "PassThrough");
        c.put("RevisionId", r.revisionId());
        c.putArray("Layers");
        c.put("State", "Active");
        c.put("LastUpdateStatus", "Successful");
        c.put("PackageType", "Zip");
        ArrayNode arch = c.putArray("Architectures");
        r.architectures().forEach(arch::add);
        c.putObject("EphemeralStorage").put("Size", r.ephemeralStorage());
        c.putObject("SnapStart").put("ApplyOn", "None").put("OptimizationStatus", "Off");
        c.putObject("RuntimeVersionConfig")
                .put(
                        "RuntimeVersionArn",
                        "arn:aws:lambda:" + settings.region() + "::runtime:"
                                + dev.lamina.engine.runtime.RuntimeIds.hash(r.runtime()));
        c.putObject("LoggingConfig").put("LogFormat", r.logFormat()).put("LogGroup", "/aws/lambda/" + r.functionName());
        return c;
    }

    /** Reads the configurable members shared by CreateFunction and UpdateFunctionConfiguration. */
    public static FunctionSettings settings(JsonNode body) {
        JsonNode env = body.path("Environment").path("Variables");
        Map<String, String> environment = null;
        if (env.isObject()) {
            environment = new LinkedHashMap<>();
            for (var field : env.properties()) {
                environment.put(
                        field.getKey(),
                        field.getValue().isNull() ? "" : field.getValue().asString());
            }
        } else if (body.has("Environment")) {
            environment = Map.of();
        }
        List<String> architectures = null;
        if (body.path("Architectures").isArray()) {
            architectures = new ArrayList<>();
            for (JsonNode a : body.path("Architectures")) {
                architectures.add(a.asString());
            }
        }
        return new FunctionSettings(
                text(body, "Runtime"),
                text(body, "Handler"),
                text(body, "Role"),
                text(body, "Description"),
                integer(body, "MemorySize"),
                integer(body, "Timeout"),
                body.path("EphemeralStorage").has("Size") ? integer(body.path("EphemeralStorage"), "Size") : null,
                architectures,
                environment,
                text(body.path("LoggingConfig"), "LogFormat"));
    }

    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    public static Integer integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw new LambdaException(
                    dev.lamina.controlplane.ErrorCode.INVALID_REQUEST_CONTENT,
                    "Could not parse request body into json: field " + field + " must be an integer");
        }
        return v.asInt();
    }

    public static boolean bool(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.asBoolean(false);
    }

    /** A base64 blob member such as ZipFile; null when absent. */
    public static byte[] blob(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            return null;
        }
        try {
            return Base64.getMimeDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw LambdaException.invalidParameter(
                    "Could not unzip uploaded file. Please check your file, then try to upload again.");
        }
    }

    public static Map<String, String> stringMap(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (var field : node.properties()) {
            map.put(field.getKey(), field.getValue().asString());
        }
        return map;
    }
}
