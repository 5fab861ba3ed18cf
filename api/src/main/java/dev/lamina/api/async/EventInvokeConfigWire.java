package dev.lamina.api.async;

import dev.lamina.api.Wire;
import dev.lamina.async.EventInvokeConfig;
import dev.lamina.async.EventInvokeConfigs;
import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import dev.lamina.model.Settings;
import java.math.BigDecimal;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The FunctionEventInvokeConfig shape and the request members of Put/UpdateFunctionEventInvokeConfig. */
final class EventInvokeConfigWire {

    private EventInvokeConfigWire() {}

    /** MaximumRetryAttempts, MaximumEventAgeInSeconds and DestinationConfig of a request; null when left out. */
    static EventInvokeConfigs.Change change(JsonNode body) {
        JsonNode destinations = body.get("DestinationConfig");
        EventInvokeConfigs.Destinations d = null;
        if (destinations != null && !destinations.isNull()) {
            if (!destinations.isObject()) {
                throw new LambdaException(
                        ErrorCode.INVALID_REQUEST_CONTENT,
                        "Could not parse request body into json: DestinationConfig must be an object");
            }
            d = new EventInvokeConfigs.Destinations(
                    destination(destinations, "OnSuccess"), destination(destinations, "OnFailure"));
        }
        return new EventInvokeConfigs.Change(
                Wire.integer(body, "MaximumRetryAttempts"), Wire.integer(body, "MaximumEventAgeInSeconds"), d);
    }

    private static String destination(JsonNode destinations, String member) {
        JsonNode node = destinations.get(member);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new LambdaException(
                    ErrorCode.INVALID_REQUEST_CONTENT,
                    "Could not parse request body into json: DestinationConfig." + member + " must be an object");
        }
        return Wire.text(node, "Destination");
    }

    /**
     * The FunctionEventInvokeConfig shape: LastModified as epoch seconds (a JSON timestamp), the qualified function
     * ARN, the two settings when set, and DestinationConfig with both members (empty when unset), as AWS answers.
     */
    static ObjectNode config(EventInvokeConfig c, Settings settings) {
        ObjectNode o = Wire.JSON.createObjectNode();
        o.put("LastModified", BigDecimal.valueOf(c.lastModified(), 3));
        o.put("FunctionArn", settings.functionArn(c.functionName(), c.qualifier()));
        if (c.maximumRetryAttempts() != null) {
            o.put("MaximumRetryAttempts", c.maximumRetryAttempts());
        }
        if (c.maximumEventAgeInSeconds() != null) {
            o.put("MaximumEventAgeInSeconds", c.maximumEventAgeInSeconds());
        }
        ObjectNode destinations = o.putObject("DestinationConfig");
        ObjectNode onSuccess = destinations.putObject("OnSuccess");
        if (c.onSuccess() != null) {
            onSuccess.put("Destination", c.onSuccess());
        }
        ObjectNode onFailure = destinations.putObject("OnFailure");
        if (c.onFailure() != null) {
            onFailure.put("Destination", c.onFailure());
        }
        return o;
    }
}
