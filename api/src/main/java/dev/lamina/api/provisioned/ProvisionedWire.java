package dev.lamina.api.provisioned;

import dev.lamina.api.Wire;
import dev.lamina.controlplane.ProvisionedConcurrency;
import dev.lamina.model.Settings;
import tools.jackson.databind.node.ObjectNode;

/** The shapes of provisioned concurrency configurations. */
final class ProvisionedWire {

    private ProvisionedWire() {}

    /** GetProvisionedConcurrencyConfigResponse (and PutProvisionedConcurrencyConfigResponse). */
    static ObjectNode config(ProvisionedConcurrency.Status s) {
        ObjectNode c = Wire.JSON.createObjectNode();
        c.put("RequestedProvisionedConcurrentExecutions", s.config().requested());
        c.put("AvailableProvisionedConcurrentExecutions", s.available());
        c.put("AllocatedProvisionedConcurrentExecutions", s.available());
        c.put("Status", s.status());
        c.put("LastModified", s.config().lastModified());
        return c;
    }

    /** ProvisionedConcurrencyConfigListItem: the same, with the qualified function ARN. */
    static ObjectNode listItem(ProvisionedConcurrency.Status s, Settings settings) {
        ObjectNode c = Wire.JSON.createObjectNode();
        c.put(
                "FunctionArn",
                settings.functionArn(s.config().functionName(), s.config().qualifier()));
        c.setAll(config(s));
        return c;
    }
}
