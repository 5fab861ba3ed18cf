package dev.lamina.api.platform;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /_lamina/health}: 200 once the platform serves requests. */
public record Health(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        var engine = ctx.engine();
        ObjectNode health = Wire.JSON
                .createObjectNode()
                .put("status", "ok")
                .put("functions", ctx.functions().list().size())
                .put("instances", engine.instanceCount())
                .put("memoryBudgetMb", engine.memory().totalMb())
                .put(
                        "memoryInUseMb",
                        engine.memory().totalMb() - engine.memory().freeMb());
        // Runtimes waiting, started ahead, for a cold start ("python3.12/128"), and how cold starts went
        // (docs/adr/0007-prestarted-runtimes.md).
        var waiting = health.putArray("prestartedRuntimes");
        engine.prestarts().waitingKeys().stream()
                .map(k -> k.runtime() + "/" + k.memorySize())
                .sorted()
                .forEach(waiting::add);
        health.put("coldStartsOnPrestarted", engine.prestarts().taken())
                .put("coldStartsSpawned", engine.prestarts().missed());
        return ApiResponse.json(200, health);
    }
}
