package dev.lamina.async;

import dev.lamina.controlplane.Aliases;
import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import dev.lamina.model.Settings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event invoke configs of functions, versions and aliases: Put, Get, Update, Delete and List, with AWS's
 * validation and errors. Written to the event queue's store first (durable before the answer), then to an in-memory
 * map that the dispatcher reads. Bad input changes nothing.
 */
public final class EventInvokeConfigs {

    static final String KIND = "event-invoke-config";

    /** botocore's DestinationArn pattern. */
    static final String DESTINATION_PATTERN = "$|kafka://([^.]([a-zA-Z0-9\\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):"
            + "([a-zA-Z0-9\\-])+:([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)";

    private static final Pattern DESTINATION = Pattern.compile(DESTINATION_PATTERN);
    private static final Pattern FUNCTION_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:lambda:(?<region>[a-z0-9-]+):"
            + "(?<account>\\d{12}):function:(?<name>[a-zA-Z0-9-_]+)(:(?<qualifier>\\$LATEST|[a-zA-Z0-9-_]+))?");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PAGE_LIMIT = 50;

    /** The destinations of a request; a member left out (or empty) is no destination. */
    public record Destinations(String onSuccess, String onFailure) {}

    /**
     * What a Put or Update request gives; null is "not given".
     *
     * @param destinationConfig null when the request has no DestinationConfig at all
     */
    public record Change(
            Integer maximumRetryAttempts, Integer maximumEventAgeInSeconds, Destinations destinationConfig) {}

    /** A page of ListFunctionEventInvokeConfigs. */
    public record Page(List<EventInvokeConfig> configs, String nextMarker) {}

    /** A function a destination ARN names, as it exists now. */
    public record Target(String functionName, String qualifier, String arn) {}

    private final QueueWriter writer;
    private final Aliases aliases;
    private final Settings settings;
    private final LongSupplier clock;
    private final Map<String, EventInvokeConfig> byKey = new ConcurrentHashMap<>();

    EventInvokeConfigs(QueueWriter writer, Aliases aliases, Settings settings, LongSupplier clock) {
        this.writer = writer;
        this.aliases = aliases;
        this.settings = settings;
        this.clock = clock;
        for (String doc : writer.write(store -> store.listSettings(KIND))) {
            EventInvokeConfig c = JSON.readValue(doc, EventInvokeConfig.class);
            byKey.put(key(c.functionName(), c.qualifier()), c);
        }
    }

    private static String key(String function, String qualifier) {
        return function + ":" + (qualifier != null ? qualifier : "$LATEST");
    }

    /** The config that applies to an event of (function, qualifier or null): the stored one, or the defaults. */
    public EventInvokeConfig effective(String functionName, String qualifier) {
        EventInvokeConfig c = byKey.get(key(functionName, qualifier));
        return c != null ? c : EventInvokeConfig.defaults(functionName, qualifier != null ? qualifier : "$LATEST");
    }

    // ---- Operations -----------------------------------------------------------------------------------------

    /** PutFunctionEventInvokeConfig: replaces the whole config; what the request leaves out is removed. */
    public synchronized EventInvokeConfig put(String nameParam, String qualifierParam, Change change) {
        FunctionRef ref = validate(nameParam, qualifierParam, change);
        requireFunction(ref);
        Destinations d = change.destinationConfig() != null ? change.destinationConfig() : new Destinations(null, null);
        checkDestinations(ref, d);
        EventInvokeConfig config = new EventInvokeConfig(
                ref.name(),
                ref.qualifierOrLatest(),
                change.maximumRetryAttempts(),
                change.maximumEventAgeInSeconds(),
                blankToNull(d.onSuccess()),
                blankToNull(d.onFailure()),
                clock.getAsLong());
        save(config);
        return config;
    }

    /** UpdateFunctionEventInvokeConfig: changes what the request gives, keeps the rest. */
    public synchronized EventInvokeConfig update(String nameParam, String qualifierParam, Change change) {
        FunctionRef ref = validate(nameParam, qualifierParam, change);
        requireFunction(ref);
        EventInvokeConfig current = existing(ref);
        Destinations d = change.destinationConfig();
        if (d != null) {
            checkDestinations(ref, d);
        }
        EventInvokeConfig config = new EventInvokeConfig(
                ref.name(),
                ref.qualifierOrLatest(),
                change.maximumRetryAttempts() != null ? change.maximumRetryAttempts() : current.maximumRetryAttempts(),
                change.maximumEventAgeInSeconds() != null
                        ? change.maximumEventAgeInSeconds()
                        : current.maximumEventAgeInSeconds(),
                d != null ? blankToNull(d.onSuccess()) : current.onSuccess(),
                d != null ? blankToNull(d.onFailure()) : current.onFailure(),
                clock.getAsLong());
        save(config);
        return config;
    }

    /** GetFunctionEventInvokeConfig. */
    public EventInvokeConfig get(String nameParam, String qualifierParam) {
        return existing(FunctionRef.parse(nameParam, qualifierParam));
    }

    /** DeleteFunctionEventInvokeConfig. */
    public synchronized void delete(String nameParam, String qualifierParam) {
        FunctionRef ref = FunctionRef.parse(nameParam, qualifierParam);
        EventInvokeConfig current = existing(ref);
        writer.write(store -> store.deleteSetting(current.functionName(), KIND, current.qualifier()));
        byKey.remove(key(current.functionName(), current.qualifier()));
    }

    /** ListFunctionEventInvokeConfigs: by qualifier, at most 50 a page; the marker is opaque to clients. */
    public Page list(String nameParam, String marker, Integer maxItems) {
        List<String> violations = new ArrayList<>();
        FunctionRef ref = FunctionRef.parse(nameParam, null, violations);
        Violations.range(maxItems, "maxItems", 1, PAGE_LIMIT, violations);
        Violations.check(violations);
        requireFunction(new FunctionRef(ref.name(), null));
        String after = decodeMarker(marker);
        List<EventInvokeConfig> all = byKey.values().stream()
                .filter(c -> c.functionName().equals(ref.name()))
                .filter(c -> after == null || c.qualifier().compareTo(after) > 0)
                .sorted(Comparator.comparing(EventInvokeConfig::qualifier))
                .toList();
        int max = maxItems != null ? maxItems : PAGE_LIMIT;
        if (all.size() <= max) {
            return new Page(all, null);
        }
        List<EventInvokeConfig> page = all.subList(0, max);
        return new Page(
                page,
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(page.getLast().qualifier().getBytes(StandardCharsets.UTF_8)));
    }

    /** The function was deleted: so are its configs. */
    void functionDeleted(String functionName) {
        byKey.values().removeIf(c -> c.functionName().equals(functionName));
    }

    /** The function a destination ARN names, if it exists now. */
    public Optional<Target> resolve(String destinationArn) {
        Matcher m = FUNCTION_ARN.matcher(destinationArn);
        if (!m.matches()
                || !m.group("region").equals(settings.region())
                || !m.group("account").equals(settings.accountId())) {
            return Optional.empty();
        }
        try {
            aliases.resolve(m.group("name"), m.group("qualifier"));
            return Optional.of(new Target(m.group("name"), m.group("qualifier"), destinationArn));
        } catch (LambdaException e) {
            return Optional.empty();
        }
    }

    // ---- Checks ---------------------------------------------------------------------------------------------

    private static FunctionRef validate(String nameParam, String qualifierParam, Change change) {
        List<String> violations = new ArrayList<>();
        FunctionRef ref = FunctionRef.parse(nameParam, qualifierParam, violations);
        Violations.range(change.maximumRetryAttempts(), "maximumRetryAttempts", 0, 2, violations);
        Violations.range(change.maximumEventAgeInSeconds(), "maximumEventAgeInSeconds", 60, 21_600, violations);
        Destinations d = change.destinationConfig();
        if (d != null) {
            destinationConstraints(d.onSuccess(), "destinationConfig.onSuccess.destination", violations);
            destinationConstraints(d.onFailure(), "destinationConfig.onFailure.destination", violations);
        }
        Violations.check(violations);
        if (change.maximumRetryAttempts() == null
                && change.maximumEventAgeInSeconds() == null
                && change.destinationConfig() == null) {
            throw LambdaException.invalidParameter(
                    "You must specify at least one of error handling or destination setting.");
        }
        return ref;
    }

    private static void destinationConstraints(String arn, String field, List<String> violations) {
        if (arn == null) {
            return;
        }
        if (arn.length() > 350) {
            violations.add(Violations.of(arn, field, "Member must have length less than or equal to 350"));
        } else if (!DESTINATION.matcher(arn).matches()) {
            violations.add(Violations.of(
                    arn, field, "Member must satisfy regular expression pattern: " + DESTINATION_PATTERN));
        }
    }

    private void checkDestinations(FunctionRef source, Destinations d) {
        String onSuccess = blankToNull(d.onSuccess());
        String onFailure = blankToNull(d.onFailure());
        for (String arn : new String[] {onSuccess, onFailure}) {
            if (arn == null) {
                continue;
            }
            String[] parts = arn.split(":", -1);
            if (parts.length < 3 || !parts[2].equals("lambda")) {
                throw LambdaException.invalidParameter("The provided destination config DestinationConfig(onSuccess="
                        + (onSuccess != null ? "OnSuccess(destination=" + onSuccess + ")" : "null")
                        + ", onFailure="
                        + (onFailure != null ? "OnFailure(destination=" + onFailure + ")" : "null")
                        + ") is invalid. Lamina delivers invocation records to Lambda functions only: " + arn
                        + " is not a function ARN.");
            }
            Matcher m = FUNCTION_ARN.matcher(arn);
            if (m.matches() && m.group("name").equals(source.name())) {
                throw LambdaException.invalidParameter("You can't specify the function as a destination for itself.");
            }
            if (resolve(arn).isEmpty()) {
                throw LambdaException.invalidParameter("The destination ARN " + arn + " is invalid.");
            }
        }
    }

    private void requireFunction(FunctionRef ref) {
        try {
            aliases.resolve(ref.name(), ref.qualifier());
        } catch (LambdaException e) {
            if (e.code() == ErrorCode.RESOURCE_NOT_FOUND) {
                throw new LambdaException(ErrorCode.RESOURCE_NOT_FOUND, "The function doesn't exist.");
            }
            throw e;
        }
    }

    private EventInvokeConfig existing(FunctionRef ref) {
        EventInvokeConfig c = byKey.get(key(ref.name(), ref.qualifierOrLatest()));
        if (c == null) {
            throw new LambdaException(
                    ErrorCode.RESOURCE_NOT_FOUND,
                    "The function " + settings.functionArn(ref.name(), ref.qualifierOrLatest())
                            + " doesn't have an EventInvokeConfig");
        }
        return c;
    }

    private void save(EventInvokeConfig config) {
        String doc = JSON.writeValueAsString(config);
        writer.write(store -> {
            store.putSetting(config.functionName(), KIND, config.qualifier(), doc);
            return null;
        });
        byKey.put(key(config.functionName(), config.qualifier()), config);
    }

    private static String decodeMarker(String marker) {
        if (marker == null || marker.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw LambdaException.invalidParameter("Invalid Marker: " + marker);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
