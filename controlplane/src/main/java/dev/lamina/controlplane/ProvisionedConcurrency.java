package dev.lamina.controlplane;

import dev.lamina.engine.invoke.Engine;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.store.Store;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Provisioned concurrency configurations: per published version or alias, that many instances are initialised ahead
 * of invocations and kept warm by the engine. Configurations are stored and re-applied when the server starts.
 */
public final class ProvisionedConcurrency {

    private static final String KIND = "provisioned";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter LAST_MODIFIED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /** A stored configuration. */
    public record Config(String functionName, String qualifier, int requested, String lastModified) {}

    /** A configuration with its progress, as GetProvisionedConcurrencyConfig reports it. */
    public record Status(Config config, int available, String status) {}

    private final Store store;
    private final Functions functions;
    private final Aliases aliases;
    private final Engine engine;

    public ProvisionedConcurrency(Store store, Functions functions, Aliases aliases, Engine engine) {
        this.store = store;
        this.functions = functions;
        this.aliases = aliases;
        this.engine = engine;
        for (String doc : store.listSettings(KIND)) {
            Config c = JSON.readValue(doc, Config.class);
            deployment(c.functionName(), c.qualifier()).ifPresent(d -> engine.provision(d, c.requested()));
        }
    }

    public synchronized Status put(String nameParam, String qualifier, Integer requested) {
        String name = functions.get(nameParam, null).record().functionName();
        new Validation()
                .required(qualifier, "qualifier")
                .required(requested, "provisionedConcurrentExecutions")
                .range(requested, "provisionedConcurrentExecutions", 1, Integer.MAX_VALUE)
                .check();
        if (qualifier.equals(Functions.LATEST)) {
            throw LambdaException.invalidParameter(
                    "Provisioned Concurrency Configs cannot be applied to unpublished function versions.");
        }
        FunctionDeployment deployment = aliases.resolve(name, qualifier).entry().deployment();
        Config config = new Config(name, qualifier, requested, LAST_MODIFIED.format(ZonedDateTime.now(ZoneOffset.UTC)));
        store.putSetting(name, KIND, qualifier, JSON.writeValueAsString(config));
        engine.provision(deployment, requested);
        return status(config);
    }

    public Optional<Status> get(String nameParam, String qualifier) {
        String name = functions.get(nameParam, null).record().functionName();
        return store.getSetting(name, KIND, qualifier == null ? "" : qualifier)
                .map(doc -> status(JSON.readValue(doc, Config.class)));
    }

    public Status require(String nameParam, String qualifier) {
        return get(nameParam, qualifier)
                .orElseThrow(() -> new LambdaException(
                        ErrorCode.PROVISIONED_CONCURRENCY_CONFIG_NOT_FOUND,
                        "No Provisioned Concurrency Config found for this function"));
    }

    public List<Status> list(String nameParam) {
        String name = functions.get(nameParam, null).record().functionName();
        return store.listSettings(name, KIND).stream()
                .map(doc -> status(JSON.readValue(doc, Config.class)))
                .toList();
    }

    public synchronized void delete(String nameParam, String qualifier) {
        Status current = require(nameParam, qualifier);
        store.deleteSetting(current.config().functionName(), KIND, qualifier);
        deployment(current.config().functionName(), qualifier).ifPresent(d -> engine.provision(d, 0));
    }

    private Status status(Config c) {
        int available = deployment(c.functionName(), c.qualifier())
                .map(engine::provisionedReady)
                .orElse(0);
        return new Status(c, Math.min(available, c.requested()), available >= c.requested() ? "READY" : "IN_PROGRESS");
    }

    private Optional<FunctionDeployment> deployment(String name, String qualifier) {
        try {
            return Optional.of(aliases.resolve(name, qualifier).entry().deployment());
        } catch (LambdaException gone) {
            return Optional.empty();
        }
    }
}
