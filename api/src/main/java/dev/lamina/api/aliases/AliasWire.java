package dev.lamina.api.aliases;

import dev.lamina.api.Wire;
import dev.lamina.controlplane.AliasRecord;
import dev.lamina.model.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The AliasConfiguration shape and the RoutingConfig member. */
final class AliasWire {

    private AliasWire() {}

    static ObjectNode configuration(AliasRecord a, Settings settings) {
        ObjectNode c = Wire.JSON.createObjectNode();
        c.put("AliasArn", settings.functionArn(a.functionName(), a.name()));
        c.put("Name", a.name());
        c.put("FunctionVersion", a.functionVersion());
        c.put("Description", a.description());
        if (!a.additionalVersionWeights().isEmpty()) {
            ObjectNode weights = c.putObject("RoutingConfig").putObject("AdditionalVersionWeights");
            a.additionalVersionWeights().forEach(weights::put);
        }
        c.put("RevisionId", a.revisionId());
        return c;
    }

    /** AdditionalVersionWeights, or null when the request has no RoutingConfig. */
    static Map<String, Double> weights(JsonNode body) {
        JsonNode routing = body.get("RoutingConfig");
        if (routing == null || routing.isNull()) {
            return null;
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        for (var e : routing.path("AdditionalVersionWeights").properties()) {
            weights.put(e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble() : null);
        }
        return weights;
    }
}
