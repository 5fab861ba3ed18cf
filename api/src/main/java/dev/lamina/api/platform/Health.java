package dev.lamina.api.platform;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Wire;

/** {@code GET /_lamina/health}: 200 once the platform serves requests. */
public record Health(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        return ApiResponse.json(
                200,
                Wire.JSON
                        .createObjectNode()
                        .put("status", "ok")
                        .put("functions", ctx.functions().list().size())
                        .put("instances", ctx.engine().instanceCount())
                        .put("memoryBudgetMb", ctx.engine().memory().totalMb())
                        .put(
                                "memoryInUseMb",
                                ctx.engine().memory().totalMb()
                                        - ctx.engine().memory().freeMb())
                        .put(
                                "prestartedRuntimes",
                                ctx.engine().prestarts().waitingKeys().size())
                        .put("coldStartsOnPrestarted", ctx.engine().prestarts().taken())
                        .put("coldStartsSpawned", ctx.engine().prestarts().missed()));
    }
}
