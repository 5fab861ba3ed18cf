package dev.lamina.api;

import dev.lamina.api.aliases.CreateAlias;
import dev.lamina.api.aliases.DeleteAlias;
import dev.lamina.api.aliases.GetAlias;
import dev.lamina.api.aliases.ListAliases;
import dev.lamina.api.aliases.UpdateAlias;
import dev.lamina.api.async.DeleteFunctionEventInvokeConfig;
import dev.lamina.api.async.GetFunctionEventInvokeConfig;
import dev.lamina.api.async.ListFunctionEventInvokeConfigs;
import dev.lamina.api.async.PutFunctionEventInvokeConfig;
import dev.lamina.api.async.UpdateFunctionEventInvokeConfig;
import dev.lamina.api.async.WithDeadLetterConfig;
import dev.lamina.api.concurrency.DeleteFunctionConcurrency;
import dev.lamina.api.concurrency.GetFunctionConcurrency;
import dev.lamina.api.concurrency.PutFunctionConcurrency;
import dev.lamina.api.functions.CreateFunction;
import dev.lamina.api.functions.DeleteFunction;
import dev.lamina.api.functions.GetAccountSettings;
import dev.lamina.api.functions.GetFunction;
import dev.lamina.api.functions.GetFunctionCodeSigningConfig;
import dev.lamina.api.functions.GetFunctionConfiguration;
import dev.lamina.api.functions.ListFunctions;
import dev.lamina.api.functions.ListVersionsByFunction;
import dev.lamina.api.functions.PublishVersion;
import dev.lamina.api.functions.UpdateFunctionCode;
import dev.lamina.api.functions.UpdateFunctionConfiguration;
import dev.lamina.api.invoke.Invoke;
import dev.lamina.api.invoke.InvokeAsync;
import dev.lamina.api.platform.AsyncEventStats;
import dev.lamina.api.platform.DownloadCode;
import dev.lamina.api.platform.Health;
import dev.lamina.api.platform.ListFailedEvents;
import dev.lamina.api.platform.ReadLogs;
import dev.lamina.api.platform.RedriveEvents;
import dev.lamina.api.policies.AddPermission;
import dev.lamina.api.policies.GetPolicy;
import dev.lamina.api.policies.RemovePermission;
import dev.lamina.api.provisioned.DeleteProvisionedConcurrencyConfig;
import dev.lamina.api.provisioned.ListProvisionedConcurrencyConfigs;
import dev.lamina.api.provisioned.PutProvisionedConcurrencyConfig;
import dev.lamina.api.tags.ListTags;
import dev.lamina.api.tags.TagResource;
import dev.lamina.api.tags.UntagResource;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The route table: method and path template to operation, as botocore's model binds them. A trailing slash is
 * accepted (the Java SDK omits it where the CLI sends it, and the other way round).
 */
public final class Routes {

    /** A matched route: the operation and the path parameters. */
    public record Match(String operationName, Operation operation, Map<String, String> pathParams) {}

    private record Route(String method, String[] segments, String operationName, Operation operation) {}

    private final List<Route> routes = new ArrayList<>();

    public Routes(ApiContext ctx) {
        add("POST", "/2015-03-31/functions", "CreateFunction", new CreateFunction(ctx));
        add("GET", "/2015-03-31/functions", "ListFunctions", new ListFunctions(ctx));
        add("GET", "/2015-03-31/functions/{name}", "GetFunction", new GetFunction(ctx));
        add("DELETE", "/2015-03-31/functions/{name}", "DeleteFunction", new DeleteFunction(ctx));
        add(
                "GET",
                "/2015-03-31/functions/{name}/configuration",
                "GetFunctionConfiguration",
                new GetFunctionConfiguration(ctx));
        add(
                "PUT",
                "/2015-03-31/functions/{name}/configuration",
                "UpdateFunctionConfiguration",
                new UpdateFunctionConfiguration(ctx));
        add("PUT", "/2015-03-31/functions/{name}/code", "UpdateFunctionCode", new UpdateFunctionCode(ctx));
        add("POST", "/2015-03-31/functions/{name}/invocations", "Invoke", new Invoke(ctx));
        add("POST", "/2015-03-31/functions/{name}/versions", "PublishVersion", new PublishVersion(ctx));
        add("GET", "/2016-08-19/account-settings", "GetAccountSettings", new GetAccountSettings(ctx));
        add(
                "GET",
                "/2020-06-30/functions/{name}/code-signing-config",
                "GetFunctionCodeSigningConfig",
                new GetFunctionCodeSigningConfig(ctx));
        add("GET", "/2015-03-31/functions/{name}/versions", "ListVersionsByFunction", new ListVersionsByFunction(ctx));
        add("POST", "/2015-03-31/functions/{name}/aliases", "CreateAlias", new CreateAlias(ctx));
        add("GET", "/2015-03-31/functions/{name}/aliases", "ListAliases", new ListAliases(ctx));
        add("GET", "/2015-03-31/functions/{name}/aliases/{alias}", "GetAlias", new GetAlias(ctx));
        add("PUT", "/2015-03-31/functions/{name}/aliases/{alias}", "UpdateAlias", new UpdateAlias(ctx));
        add("DELETE", "/2015-03-31/functions/{name}/aliases/{alias}", "DeleteAlias", new DeleteAlias(ctx));
        add(
                "PUT",
                "/2017-10-31/functions/{name}/concurrency",
                "PutFunctionConcurrency",
                new PutFunctionConcurrency(ctx));
        add(
                "DELETE",
                "/2017-10-31/functions/{name}/concurrency",
                "DeleteFunctionConcurrency",
                new DeleteFunctionConcurrency(ctx));
        add(
                "GET",
                "/2019-09-30/functions/{name}/concurrency",
                "GetFunctionConcurrency",
                new GetFunctionConcurrency(ctx));
        add("POST", "/2017-03-31/tags/{arn}", "TagResource", new TagResource(ctx));
        add("DELETE", "/2017-03-31/tags/{arn}", "UntagResource", new UntagResource(ctx));
        add("GET", "/2017-03-31/tags/{arn}", "ListTags", new ListTags(ctx));
        add("POST", "/2015-03-31/functions/{name}/policy", "AddPermission", new AddPermission(ctx));
        add("GET", "/2015-03-31/functions/{name}/policy", "GetPolicy", new GetPolicy(ctx));
        add("DELETE", "/2015-03-31/functions/{name}/policy/{sid}", "RemovePermission", new RemovePermission(ctx));
        add(
                "PUT",
                "/2019-09-30/functions/{name}/provisioned-concurrency",
                "PutProvisionedConcurrencyConfig",
                new PutProvisionedConcurrencyConfig(ctx));
        add(
                "GET",
                "/2019-09-30/functions/{name}/provisioned-concurrency",
                "GetProvisionedConcurrencyConfig|ListProvisionedConcurrencyConfigs",
                ListProvisionedConcurrencyConfigs.route(ctx));
        add(
                "DELETE",
                "/2019-09-30/functions/{name}/provisioned-concurrency",
                "DeleteProvisionedConcurrencyConfig",
                new DeleteProvisionedConcurrencyConfig(ctx));
        add("POST", "/2014-11-13/functions/{name}/invoke-async", "InvokeAsync", new InvokeAsync(ctx));
        add(
                "PUT",
                "/2019-09-25/functions/{name}/event-invoke-config",
                "PutFunctionEventInvokeConfig",
                new PutFunctionEventInvokeConfig(ctx));
        add(
                "GET",
                "/2019-09-25/functions/{name}/event-invoke-config",
                "GetFunctionEventInvokeConfig",
                new GetFunctionEventInvokeConfig(ctx));
        add(
                "POST",
                "/2019-09-25/functions/{name}/event-invoke-config",
                "UpdateFunctionEventInvokeConfig",
                new UpdateFunctionEventInvokeConfig(ctx));
        add(
                "DELETE",
                "/2019-09-25/functions/{name}/event-invoke-config",
                "DeleteFunctionEventInvokeConfig",
                new DeleteFunctionEventInvokeConfig(ctx));
        add(
                "GET",
                "/2019-09-25/functions/{name}/event-invoke-config/list",
                "ListFunctionEventInvokeConfigs",
                new ListFunctionEventInvokeConfigs(ctx));
        add("GET", "/_lamina/health", "Health", new Health(ctx));
        add("GET", "/_lamina/code/{sha}.zip", "DownloadCode", new DownloadCode(ctx));
        add("GET", "/_lamina/logs/{name}", "ReadLogs", new ReadLogs(ctx));
        add("GET", "/_lamina/events/{name}", "AsyncEventStats", new AsyncEventStats(ctx));
        add("GET", "/_lamina/events/{name}/failed", "ListFailedEvents", new ListFailedEvents(ctx));
        add("POST", "/_lamina/events/{name}/redrive", "RedriveEvents", new RedriveEvents(ctx));
        add("POST", "/_lamina/events/redrive", "RedriveEvents", new RedriveEvents(ctx));
        // DeadLetterConfig, accepted and kept, on the function operations (api.async.WithDeadLetterConfig)
        wrap("CreateFunction", op -> WithDeadLetterConfig.writes(ctx, op));
        wrap("UpdateFunctionConfiguration", op -> WithDeadLetterConfig.writes(ctx, op));
        wrap("PublishVersion", op -> WithDeadLetterConfig.publishes(ctx, op));
        for (String read : List.of(
                "GetFunction",
                "GetFunctionConfiguration",
                "ListFunctions",
                "ListVersionsByFunction",
                "UpdateFunctionCode")) {
            wrap(read, op -> WithDeadLetterConfig.reads(ctx, op));
        }
    }

    /** Puts {@code decorator} around the operation registered as {@code name}. */
    private void wrap(String name, java.util.function.UnaryOperator<Operation> decorator) {
        routes.replaceAll(r -> r.operationName().equals(name)
                ? new Route(r.method(), r.segments(), r.operationName(), decorator.apply(r.operation()))
                : r);
    }

    private void add(String method, String template, String name, Operation operation) {
        routes.add(new Route(method, split(template), name, operation));
    }

    /** The operation for a request, with its decoded path parameters. */
    public Optional<Match> match(String method, String rawPath) {
        String[] parts = split(rawPath);
        for (Route route : routes) {
            if (!route.method().equals(method) || route.segments().length != parts.length) {
                continue;
            }
            Map<String, String> params = new HashMap<>();
            boolean ok = true;
            for (int i = 0; i < parts.length && ok; i++) {
                String want = route.segments()[i];
                String got = URLDecoder.decode(parts[i].replace("+", "%2B"), StandardCharsets.UTF_8);
                int open = want.indexOf('{');
                if (open < 0) {
                    ok = want.equals(got);
                } else {
                    String suffix = want.substring(want.indexOf('}') + 1);
                    ok = got.endsWith(suffix) && got.length() > suffix.length();
                    if (ok) {
                        params.put(
                                want.substring(open + 1, want.indexOf('}')),
                                got.substring(0, got.length() - suffix.length()));
                    }
                }
            }
            if (ok) {
                return Optional.of(new Match(route.operationName(), route.operation(), params));
            }
        }
        return Optional.empty();
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }
}
