package dev.lamina.api.provisioned;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.api.Pages;

/**
 * {@code GET /2019-09-30/functions/{name}/provisioned-concurrency?List=ALL}. It shares its path with
 * GetProvisionedConcurrencyConfig; {@link #route} tells them apart by the {@code List} parameter, as botocore's model
 * does.
 */
public record ListProvisionedConcurrencyConfigs(ApiContext ctx) implements Operation {

    /** The one route for both operations on this path. */
    public static Operation route(ApiContext ctx) {
        Operation list = new ListProvisionedConcurrencyConfigs(ctx);
        Operation get = new GetProvisionedConcurrencyConfig(ctx);
        return request -> request.query("List") != null ? list.handle(request) : get.handle(request);
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        var all = ctx.provisioned().list(request.path("name"));
        return ApiResponse.json(
                200,
                Pages.page(
                        request,
                        all,
                        s -> s.config().qualifier(),
                        "ProvisionedConcurrencyConfigs",
                        50,
                        s -> ProvisionedWire.listItem(s, ctx.settings())));
    }
}
