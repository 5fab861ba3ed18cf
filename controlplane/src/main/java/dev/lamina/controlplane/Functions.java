package dev.lamina.controlplane;

import dev.lamina.engine.runtime.RuntimeFamily;
import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Settings;
import dev.lamina.store.BlobStore;
import dev.lamina.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane's use cases for functions: create, read, update, delete, publish; with AWS's validation.
 *
 * <p>Every change is written to the store first and then to the in-memory snapshot that the invoke path reads, so the
 * invoke path never touches the store. Changes are serialised by this object's monitor; reads are lock-free.
 */
public final class Functions {

    public static final String LATEST = "$LATEST";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9-_]+");
    private static final Pattern FUNCTION_NAME_PARAM = Pattern.compile(
            "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
    private static final Pattern ROLE =
            Pattern.compile("arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
    private static final Pattern ENV_KEY = Pattern.compile("[a-zA-Z]([a-zA-Z0-9_])+");
    private static final Pattern QUALIFIER = Pattern.compile("(|[a-zA-Z0-9$_-]+)");
    private static final DateTimeFormatter LAST_MODIFIED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /** Keys that functions may not set, because the platform sets them (AWS's list). */
    static final Set<String> RESERVED_KEYS = Set.of(
            "_HANDLER",
            "_X_AMZN_TRACE_ID",
            "AWS_DEFAULT_REGION",
            "AWS_REGION",
            "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE",
            "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_RUNTIME_API",
            "LAMBDA_TASK_ROOT",
            "LAMBDA_RUNTIME_DIR");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Store store;
    private final Settings settings;
    private final Runtimes runtimes;
    private final Path codeRoot;
    private final BiConsumer<String, FunctionDeployment> changed;
    /** name → version → entry. The invoke path reads this map only. */
    private final Map<String, Map<String, Entry>> snapshot = new ConcurrentHashMap<>();

    /** A version of a function and the deployment the data plane runs for it. */
    public record Entry(FunctionRecord record, FunctionDeployment deployment) {}

    /**
     * @param changed told (function name, its new $LATEST deployment or null when deleted) after every change, so
     *     that instances of the old revision drain
     */
    public Functions(
            Store store,
            Settings settings,
            Runtimes runtimes,
            Path codeRoot,
            BiConsumer<String, FunctionDeployment> changed) {
        this.store = store;
        this.settings = settings;
        this.runtimes = runtimes;
        this.codeRoot = codeRoot;
        this.changed = changed;
        load();
    }

    private void load() {
        for (String doc : store.listAllVersions()) {
            FunctionRecord record = JSON.readValue(doc, FunctionRecord.class);
            ensureUnpacked(record.codeSha256Hex());
            remember(record);
        }
    }

    // ---- Reads ----------------------------------------------------------------------------------------------

    /** The version a request names ($LATEST when no qualifier), or ResourceNotFoundException as AWS words it. */
    public Entry get(String functionNameParam, String qualifierParam) {
        FunctionRef ref = FunctionRef.parse(functionNameParam, qualifierParam);
        Map<String, Entry> versions = snapshot.get(ref.name());
        Entry entry = versions == null ? null : versions.get(ref.qualifier() == null ? LATEST : ref.qualifier());
        if (entry == null) {
            throw LambdaException.notFound(settings.functionArn(ref.name(), ref.qualifier()));
        }
        return entry;
    }

    /** All functions' $LATEST records, by name. */
    public List<FunctionRecord> list() {
        List<FunctionRecord> all = new ArrayList<>();
        for (String name : new TreeSet<>(snapshot.keySet())) {
            Entry latest = snapshot.getOrDefault(name, Map.of()).get(LATEST);
            if (latest != null) {
                all.add(latest.record());
            }
        }
        return all;
    }

    public long totalCodeSize() {
        return snapshot.values().stream()
                .flatMap(v -> v.values().stream())
                .mapToLong(e -> e.record().codeSize())
                .sum();
    }

    public Path codeBlob(String sha256Hex) {
        return store.blobs().path(sha256Hex);
    }

    // ---- Changes --------------------------------------------------------------------------------------------

    public synchronized FunctionRecord create(
            String name, FunctionSettings s, byte[] zip, boolean publish, Map<String, String> tags) {
        new Validation()
                .required(name, "functionName")
                .length(name, "functionName", 1, 64)
                .pattern(name, "functionName", NAME)
                .required(s.role(), "role")
                .pattern(s.role(), "role", ROLE)
                .check();
        validateSettings(s);
        if (s.runtime() == null) {
            throw LambdaException.invalidParameter(
                    "The Runtime parameter is required for a function with the Zip package type.");
        }
        if (s.handler() == null && Runtimes.family(s.runtime()).orElse(null) != RuntimeFamily.PROVIDED) {
            throw LambdaException.invalidParameter(
                    "The Handler parameter is required for a function with the " + s.runtime() + " runtime.");
        }
        if (zip == null) {
            throw LambdaException.invalidParameter("Please provide a deployment package: Code.ZipFile is required"
                    + " (Lamina does not read S3 locations).");
        }
        if (snapshot.containsKey(name)) {
            throw new LambdaException(ErrorCode.RESOURCE_CONFLICT, "Function already exist: " + name);
        }
        String sha = storeCode(zip);
        FunctionRecord record = new FunctionRecord(
                name,
                LATEST,
                s.runtime(),
                s.handler(),
                s.role(),
                orDefault(s.description(), ""),
                orDefault(s.memorySize(), 128),
                orDefault(s.timeout(), 3),
                orDefault(s.ephemeralStorage(), 512),
                orDefault(s.architectures(), List.of("x86_64")),
                orDefault(s.environment(), Map.of()),
                sha,
                base64Sha(zip),
                zip.length,
                now(),
                newRevision(),
                orDefault(s.logFormat(), "Text"),
                tags);
        save(record);
        return publish ? publishVersion(name) : record;
    }

    public synchronized FunctionRecord updateConfiguration(String nameParam, FunctionSettings s, String revisionId) {
        FunctionRecord current = latest(nameParam);
        checkRevision(current, revisionId);
        if (s.role() != null) {
            new Validation().pattern(s.role(), "role", ROLE).check();
        }
        validateSettings(s);
        FunctionRecord updated = new FunctionRecord(
                current.functionName(),
                LATEST,
                orDefault(s.runtime(), current.runtime()),
                orDefault(s.handler(), current.handler()),
                orDefault(s.role(), current.role()),
                orDefault(s.description(), current.description()),
                orDefault(s.memorySize(), current.memorySize()),
                orDefault(s.timeout(), current.timeout()),
                orDefault(s.ephemeralStorage(), current.ephemeralStorage()),
                orDefault(s.architectures(), current.architectures()),
                orDefault(s.environment(), current.environment()),
                current.codeSha256Hex(),
                current.codeSha256(),
                current.codeSize(),
                now(),
                newRevision(),
                orDefault(s.logFormat(), current.logFormat()),
                current.tags());
        save(updated);
        return updated;
    }

    public synchronized FunctionRecord updateCode(
            String nameParam, byte[] zip, boolean publish, String revisionId, List<String> architectures) {
        FunctionRecord current = latest(nameParam);
        checkRevision(current, revisionId);
        if (zip == null) {
            throw LambdaException.invalidParameter("Please provide a deployment package: ZipFile is required"
                    + " (Lamina does not read S3 locations or images).");
        }
        validateSettings(new FunctionSettings(null, null, null, null, null, null, null, architectures, null, null));
        String sha = storeCode(zip);
        FunctionRecord updated = new FunctionRecord(
                current.functionName(),
                LATEST,
                current.runtime(),
                current.handler(),
                current.role(),
                current.description(),
                current.memorySize(),
                current.timeout(),
                current.ephemeralStorage(),
                orDefault(architectures, current.architectures()),
                current.environment(),
                sha,
                base64Sha(zip),
                zip.length,
                now(),
                newRevision(),
                current.logFormat(),
                current.tags());
        save(updated);
        return publish ? publishVersion(updated.functionName()) : updated;
    }

    /** Publishes $LATEST as the next version number, unless the latest version already has the same code and configuration. */
    public synchronized FunctionRecord publishVersion(String nameParam) {
        return publishVersion(nameParam, null, null, null);
    }

    /**
     * PublishVersion: snapshots $LATEST as the next version number. When the newest version already holds this
     * revision, it is returned instead (as AWS does). {@code codeSha256} and {@code revisionId}, when given, must
     * match $LATEST.
     */
    public synchronized FunctionRecord publishVersion(
            String nameParam, String codeSha256, String revisionId, String description) {
        FunctionRecord latest = latest(nameParam);
        if (codeSha256 != null && !codeSha256.equals(latest.codeSha256())) {
            throw LambdaException.invalidParameter("CodeSHA256 (" + codeSha256 + ") is different from current"
                    + " CodeSHA256 in $LATEST (" + latest.codeSha256() + "). Please try again with the CodeSHA256 in"
                    + " $LATEST.");
        }
        checkRevision(latest, revisionId);
        FunctionRecord newest = snapshot.get(latest.functionName()).values().stream()
                .map(Entry::record)
                .filter(r -> !r.version().equals(LATEST))
                .max(java.util.Comparator.comparingLong(r -> Long.parseLong(r.version())))
                .orElse(null);
        if (newest != null && sameCodeAndConfiguration(newest, latest)) {
            return newest; // AWS publishes nothing new when nothing changed since the last version
        }
        long next = 1;
        for (String v : store.listVersionLabels(latest.functionName())) {
            if (!v.equals(LATEST)) {
                next = Math.max(next, Long.parseLong(v) + 1); // numbers of deleted versions are never reused
            }
        }
        FunctionRecord version = latest.asVersion(Long.toString(next), description);
        store.putVersion(version.functionName(), version.version(), JSON.writeValueAsString(version));
        remember(version);
        return version;
    }

    /** Whether two versions run the same code with the same configuration (ignoring labels, revisions and times). */
    static boolean sameCodeAndConfiguration(FunctionRecord a, FunctionRecord b) {
        return a.codeSha256Hex().equals(b.codeSha256Hex())
                && java.util.Objects.equals(a.runtime(), b.runtime())
                && java.util.Objects.equals(a.handler(), b.handler())
                && java.util.Objects.equals(a.role(), b.role())
                && a.memorySize() == b.memorySize()
                && a.timeout() == b.timeout()
                && a.ephemeralStorage() == b.ephemeralStorage()
                && a.architectures().equals(b.architectures())
                && a.environment().equals(b.environment())
                && java.util.Objects.equals(a.logFormat(), b.logFormat());
    }

    /** All versions of a function, $LATEST first, then by number. */
    public List<FunctionRecord> versions(String nameParam) {
        FunctionRecord latest = latest(nameParam);
        return snapshot.getOrDefault(latest.functionName(), Map.of()).values().stream()
                .map(Entry::record)
                .sorted(java.util.Comparator.comparing(
                        (FunctionRecord r) -> r.version().equals(LATEST) ? -1L : Long.parseLong(r.version())))
                .toList();
    }

    /** Deletes one published version (never $LATEST: that is the function itself). */
    public synchronized void deleteVersion(String name, String version) {
        if (version.equals(LATEST)) {
            throw LambdaException.invalidParameter("$LATEST version cannot be deleted without deleting the function.");
        }
        Map<String, Entry> versions = snapshot.get(name);
        if (versions == null || !versions.containsKey(version)) {
            throw LambdaException.notFound(settings.functionArn(name, version));
        }
        store.markVersionDeleted(name, version);
        versions.remove(version);
        changed.accept(name, versions.get(LATEST).deployment());
    }

    public synchronized void delete(String nameParam, String qualifierParam) {
        FunctionRef ref = FunctionRef.parse(nameParam, qualifierParam);
        if (!snapshot.containsKey(ref.name())) {
            throw LambdaException.notFound(settings.functionArn(ref.name()));
        }
        if (ref.qualifier() != null) {
            deleteVersion(ref.name(), ref.qualifier());
            return;
        }
        store.deleteFunction(ref.name());
        snapshot.remove(ref.name());
        changed.accept(ref.name(), null);
    }

    // ---- Helpers --------------------------------------------------------------------------------------------

    private FunctionRecord latest(String nameParam) {
        return get(nameParam, null).record();
    }

    private void checkRevision(FunctionRecord current, String revisionId) {
        if (revisionId != null && !revisionId.equals(current.revisionId())) {
            throw new LambdaException(
                    ErrorCode.PRECONDITION_FAILED,
                    "The Revision Id provided does not match the"
                            + " latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
        }
    }

    private void validateSettings(FunctionSettings s) {
        Validation v = new Validation()
                .range(s.memorySize(), "memorySize", 128, 10240)
                .range(s.timeout(), "timeout", 1, 900)
                .range(s.ephemeralStorage(), "ephemeralStorage.size", 512, 10240)
                .length(s.description(), "description", 0, 256)
                .length(s.handler(), "handler", 0, 128)
                .pattern(s.handler(), "handler", Pattern.compile("[^\\s]+"))
                .oneOf(s.logFormat(), "loggingConfig.logFormat", List.of("JSON", "Text"));
        if (s.architectures() != null) {
            if (s.architectures().size() != 1) {
                v.length(String.join(",", s.architectures()), "architectures", 1, 1);
            }
            s.architectures().forEach(a -> v.oneOf(a, "architectures", List.of("x86_64", "arm64")));
        }
        if (s.environment() != null) {
            s.environment().keySet().forEach(k -> v.pattern(k, "environment.variables", ENV_KEY));
        }
        v.check();
        if (s.runtime() != null) {
            runtimes.unsupportedReason(s.runtime()).ifPresent(reason -> {
                throw LambdaException.invalidParameter(reason);
            });
        }
        if (s.environment() != null) {
            List<String> reserved = s.environment().keySet().stream()
                    .filter(RESERVED_KEYS::contains)
                    .sorted()
                    .toList();
            if (!reserved.isEmpty()) {
                throw LambdaException.invalidParameter("Lambda was unable to configure your environment variables"
                        + " because the environment variables you have provided contains reserved keys that are"
                        + " currently not supported for modification. Reserved keys used in this request: "
                        + String.join(", ", reserved));
            }
            String measured = JSON.writeValueAsString(new LinkedHashMap<>(s.environment()));
            if (measured.getBytes(StandardCharsets.UTF_8).length > 4096) {
                throw LambdaException.invalidParameter("Lambda was unable to configure your environment variables"
                        + " because the environment variables you have provided exceeded the 4KB limit. String"
                        + " measured: " + measured);
            }
        }
    }

    private String storeCode(byte[] zip) {
        if (zip.length > DeploymentPackage.MAX_ZIPPED) {
            throw new LambdaException(
                    ErrorCode.REQUEST_ENTITY_TOO_LARGE,
                    "Request must be smaller than " + (DeploymentPackage.MAX_ZIPPED * 4 / 3 + 3) + " bytes for the"
                            + " CreateFunction operation");
        }
        String sha = BlobStore.sha256Hex(zip);
        Path dir = codeRoot.resolve(sha);
        if (!Files.isDirectory(dir)) {
            DeploymentPackage.unpack(zip, dir); // validates; throws before anything is stored
        }
        store.blobs().put(zip);
        return sha;
    }

    private void ensureUnpacked(String sha) {
        Path dir = codeRoot.resolve(sha);
        if (!Files.isDirectory(dir) && Files.exists(store.blobs().path(sha))) {
            DeploymentPackage.unpack(store.blobs().read(sha), dir);
        }
    }

    private void save(FunctionRecord record) {
        store.putVersion(record.functionName(), record.version(), JSON.writeValueAsString(record));
        Entry entry = remember(record);
        if (record.version().equals(LATEST)) {
            changed.accept(record.functionName(), entry.deployment());
        }
    }

    private Entry remember(FunctionRecord r) {
        FunctionDeployment deployment = new FunctionDeployment(
                r.functionName(),
                r.version(),
                settings.functionArn(r.functionName()),
                r.runtime(),
                r.handler() == null ? "" : r.handler(),
                r.memorySize(),
                r.timeout(),
                r.environment(),
                codeRoot.resolve(r.codeSha256Hex()),
                r.revisionId());
        Entry entry = new Entry(r, deployment);
        snapshot.computeIfAbsent(r.functionName(), k -> new ConcurrentHashMap<>())
                .put(r.version(), entry);
        return entry;
    }

    private static String base64Sha(byte[] zip) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(BlobStore.sha256Hex(zip)));
    }

    private static String now() {
        return LAST_MODIFIED.format(ZonedDateTime.now(ZoneOffset.UTC));
    }

    private static String newRevision() {
        return UUID.randomUUID().toString();
    }

    private static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** A function name parameter (name, partial or full ARN, with an optional {@code :qualifier}) and a qualifier. */
    public record FunctionRef(String name, String qualifier) {
        public static FunctionRef parse(String param, String qualifierParam) {
            new Validation()
                    .required(param, "functionName")
                    .length(param, "functionName", 1, 256)
                    .pattern(param, "functionName", FUNCTION_NAME_PARAM)
                    .length(qualifierParam, "qualifier", 1, 128)
                    .pattern(qualifierParam, "qualifier", QUALIFIER)
                    .check();
            var m = FUNCTION_NAME_PARAM.matcher(param);
            m.matches();
            String name = m.group(7);
            String qualifier = m.group(9);
            if (qualifier != null && qualifierParam != null && !qualifier.equals(qualifierParam)) {
                throw LambdaException.invalidParameter(
                        "The derived qualifier from the function name does not match" + " the specified qualifier.");
            }
            return new FunctionRef(name, Optional.ofNullable(qualifier).orElse(qualifierParam));
        }
    }
}
