package dev.lamina.controlplane;

import dev.lamina.model.Settings;
import dev.lamina.store.Store;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * Aliases of functions, and the resolution of any qualifier (none, {@code $LATEST}, a version, an alias) to the
 * version that runs. Changes go to the store first, then to an in-memory map that the invoke path reads.
 */
public final class Aliases {

    private static final String KIND = "alias";
    private static final Pattern ALIAS = Pattern.compile("(?!^[0-9]+$)([a-zA-Z0-9-_]+)");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Store store;
    private final Settings settings;
    private final Functions functions;
    /** function name → alias name → alias. */
    private final Map<String, Map<String, AliasRecord>> aliases = new ConcurrentHashMap<>();

    public Aliases(Store store, Settings settings, Functions functions) {
        this.store = store;
        this.settings = settings;
        this.functions = functions;
        for (String doc : store.listSettings(KIND)) {
            AliasRecord a = JSON.readValue(doc, AliasRecord.class);
            aliases.computeIfAbsent(a.functionName(), k -> new ConcurrentHashMap<>())
                    .put(a.name(), a);
        }
    }

    /** A resolved qualifier: the version that runs, and the qualifier the caller used (for the invoked ARN). */
    public record Resolved(Functions.Entry entry, String qualifier) {}

    /** Resolves a function name parameter and qualifier; an alias resolves to its primary version. */
    public Resolved resolve(String nameParam, String qualifierParam) {
        return resolve(nameParam, qualifierParam, () -> 1.0);
    }

    /**
     * Resolves a function name parameter and qualifier for an invocation: an alias with a routing configuration
     * picks its second version with the configured probability, drawing from {@code uniform} (numbers in [0, 1)).
     */
    public Resolved resolve(String nameParam, String qualifierParam, DoubleSupplier uniform) {
        Functions.FunctionRef ref = Functions.FunctionRef.parse(nameParam, qualifierParam);
        String qualifier = ref.qualifier();
        if (qualifier == null
                || qualifier.equals(Functions.LATEST)
                || qualifier.chars().allMatch(Character::isDigit)) {
            return new Resolved(functions.get(ref.name(), qualifier), qualifier);
        }
        AliasRecord alias = find(ref.name(), qualifier)
                .orElseThrow(() -> LambdaException.notFound(settings.functionArn(ref.name(), qualifier)));
        String version = Routing.pick(alias.functionVersion(), alias.additionalVersionWeights(), uniform.getAsDouble());
        return new Resolved(functions.get(ref.name(), version), qualifier);
    }

    public Optional<AliasRecord> find(String functionName, String alias) {
        return Optional.ofNullable(aliases.getOrDefault(functionName, Map.of()).get(alias));
    }

    public List<AliasRecord> list(String nameParam, String functionVersion) {
        String name = functions.get(nameParam, null).record().functionName();
        return aliases.getOrDefault(name, Map.of()).values().stream()
                .filter(a -> functionVersion == null || a.functionVersion().equals(functionVersion))
                .sorted(java.util.Comparator.comparing(AliasRecord::name))
                .toList();
    }

    public synchronized AliasRecord create(
            String nameParam, String alias, String version, String description, Map<String, Double> weights) {
        String name = functions.get(nameParam, null).record().functionName();
        new Validation()
                .required(alias, "name")
                .length(alias, "name", 1, 128)
                .pattern(alias, "name", ALIAS)
                .required(version, "functionVersion")
                .length(description, "description", 0, 256)
                .check();
        if (find(name, alias).isPresent()) {
            throw new LambdaException(
                    ErrorCode.RESOURCE_CONFLICT, "Alias already exists: " + settings.functionArn(name, alias));
        }
        checkTargets(name, version, weights);
        return save(
                new AliasRecord(name, alias, version, description == null ? "" : description, weights, newRevision()));
    }

    public synchronized AliasRecord update(
            String nameParam,
            String alias,
            String version,
            String description,
            Map<String, Double> weights,
            String revisionId) {
        AliasRecord current = get(nameParam, alias);
        if (revisionId != null && !revisionId.equals(current.revisionId())) {
            throw new LambdaException(
                    ErrorCode.PRECONDITION_FAILED,
                    "The Revision Id provided does not match the"
                            + " latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
        }
        String newVersion = version != null ? version : current.functionVersion();
        Map<String, Double> newWeights = weights != null ? weights : current.additionalVersionWeights();
        new Validation().length(description, "description", 0, 256).check();
        checkTargets(current.functionName(), newVersion, newWeights);
        return save(new AliasRecord(
                current.functionName(),
                alias,
                newVersion,
                description != null ? description : current.description(),
                newWeights,
                newRevision()));
    }

    public AliasRecord get(String nameParam, String alias) {
        String name = functions.get(nameParam, null).record().functionName();
        return find(name, alias)
                .orElseThrow(() -> new LambdaException(
                        ErrorCode.RESOURCE_NOT_FOUND, "Alias not found: " + settings.functionArn(name, alias)));
    }

    public synchronized void delete(String nameParam, String alias) {
        String name = functions.get(nameParam, null).record().functionName();
        store.deleteSetting(name, KIND, alias);
        aliases.getOrDefault(name, new ConcurrentHashMap<>()).remove(alias);
    }

    /** Refuses to delete a version that an alias points at, as AWS does. */
    public void requireUnreferenced(String functionName, String version) {
        List<String> using = aliases.getOrDefault(functionName, Map.of()).values().stream()
                .filter(a -> a.functionVersion().equals(version)
                        || a.additionalVersionWeights().containsKey(version))
                .map(AliasRecord::name)
                .sorted()
                .toList();
        if (!using.isEmpty()) {
            throw new LambdaException(
                    ErrorCode.RESOURCE_CONFLICT,
                    "Unable to delete version because the following aliases reference it: " + using);
        }
    }

    /** Forgets a deleted function's aliases (the store drops them with the function). */
    public void forget(String functionName) {
        aliases.remove(functionName);
    }

    private void checkTargets(String name, String version, Map<String, Double> weights) {
        functions.get(name, version); // ResourceNotFoundException as AWS words it
        if (weights == null || weights.isEmpty()) {
            return;
        }
        if (weights.size() > 1) {
            throw LambdaException.invalidParameter(
                    "Number of items in AdditionalVersionWeights cannot be greater than 1");
        }
        for (Map.Entry<String, Double> w : weights.entrySet()) {
            if (w.getKey().equals(Functions.LATEST) || version.equals(Functions.LATEST)) {
                throw LambdaException.invalidParameter("Invalid function version " + Functions.LATEST
                        + ". Function version " + Functions.LATEST + " is not supported for weighted alias routing.");
            }
            if (w.getKey().equals(version)) {
                throw LambdaException.invalidParameter("Invalid function version " + version + ". The additional"
                        + " version cannot be the same as the primary version.");
            }
            if (w.getValue() == null || w.getValue() < 0.0 || w.getValue() > 1.0) {
                throw new LambdaException(
                        ErrorCode.VALIDATION,
                        "1 validation error detected: Value '" + w.getValue()
                                + "' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must"
                                + " satisfy constraint: [Member must have value less than or equal to 1.0, Member must have"
                                + " value greater than or equal to 0.0]");
            }
            functions.get(name, w.getKey());
        }
    }

    private AliasRecord save(AliasRecord a) {
        store.putSetting(a.functionName(), KIND, a.name(), JSON.writeValueAsString(a));
        aliases.computeIfAbsent(a.functionName(), k -> new ConcurrentHashMap<>())
                .put(a.name(), a);
        return a;
    }

    private static String newRevision() {
        return UUID.randomUUID().toString();
    }
}
