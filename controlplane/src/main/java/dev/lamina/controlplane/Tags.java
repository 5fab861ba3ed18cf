package dev.lamina.controlplane;

import dev.lamina.model.Settings;
import dev.lamina.store.Store;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Tags of functions, addressed by function ARN as TagResource, UntagResource and ListTags do. */
public final class Tags {

    private static final String KIND = "tags";
    private static final Pattern FUNCTION_ARN =
            Pattern.compile("arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\\d{12}):function:([a-zA-Z0-9-_]+)");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {};

    private final Store store;
    private final Settings settings;
    private final Functions functions;

    public Tags(Store store, Settings settings, Functions functions) {
        this.store = store;
        this.settings = settings;
        this.functions = functions;
    }

    public Map<String, String> list(String arn) {
        String name = functionOf(arn);
        TreeMap<String, String> tags =
                new TreeMap<>(functions.get(name, null).record().tags());
        store.getSetting(name, KIND, "").ifPresent(doc -> tags.putAll(JSON.readValue(doc, MAP)));
        return tags;
    }

    public synchronized void tag(String arn, Map<String, String> add) {
        new Validation()
                .required(add == null || add.isEmpty() ? null : add, "tags")
                .check();
        add.keySet().forEach(k -> new Validation().length(k, "tags.key", 1, 128).check());
        add.values()
                .forEach(v -> new Validation().length(v, "tags.value", 0, 256).check());
        Map<String, String> tags = list(arn);
        tags.putAll(add);
        if (tags.size() > 50) {
            throw LambdaException.invalidParameter("Number of tags exceeds resource tag limit of 50.");
        }
        store.putSetting(functionOf(arn), KIND, "", JSON.writeValueAsString(tags));
    }

    public synchronized void untag(String arn, Collection<String> keys) {
        Map<String, String> tags = list(arn);
        keys.forEach(tags::remove);
        store.putSetting(functionOf(arn), KIND, "", JSON.writeValueAsString(tags));
    }

    /** The function a tagged ARN names; only function ARNs of this region and account exist here. */
    private String functionOf(String arn) {
        Matcher m = FUNCTION_ARN.matcher(arn == null ? "" : arn);
        if (!m.matches()) {
            throw new LambdaException(
                    ErrorCode.VALIDATION,
                    "1 validation error detected: Value '" + arn
                            + "' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                            + FUNCTION_ARN.pattern());
        }
        if (!m.group(1).equals(settings.region()) || !m.group(2).equals(settings.accountId())) {
            throw LambdaException.notFound(arn);
        }
        return functions.get(m.group(3), null).record().functionName();
    }
}
