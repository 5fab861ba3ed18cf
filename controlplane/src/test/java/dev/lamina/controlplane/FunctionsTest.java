package dev.lamina.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.model.FunctionDeployment;
import dev.lamina.model.Settings;
import dev.lamina.store.BlobStore;
import dev.lamina.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionsTest {

    private static final Settings SETTINGS = new Settings("us-east-1", "000000000000");
    private static final Runtimes RUNTIMES = Runtimes.discover(Map.of());
    /** A Java runtime: the JVM running this test always serves it, whatever else the host has. */
    private static final String RUNTIME = "java21";

    private static final String HANDLER = "example.Handler::handleRequest";
    private static final String ROLE = "arn:aws:iam::000000000000:role/lambda-role";
    private static final String ARN_PREFIX = "arn:aws:lambda:us-east-1:000000000000:function:";

    private static final String RESERVED_MESSAGE = "Lambda was unable to configure your environment variables because"
            + " the environment variables you have provided contains reserved keys that are currently not supported"
            + " for modification. Reserved keys used in this request: AWS_REGION";
    private static final String TOO_LARGE_PREFIX = "Lambda was unable to configure your environment variables because"
            + " the environment variables you have provided exceeded the 4KB limit.";

    private static final byte[] ZIP = Zips.plain("example/Handler.class", "v1 bytes", "lib/dep.jar", "dep");
    private static final byte[] ZIP_2 = Zips.plain("example/Handler.class", "v2 bytes");

    @TempDir
    Path dir;

    private Store store;
    private Functions functions;
    private final List<Map.Entry<String, FunctionDeployment>> changes = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        Files.createDirectories(dir.resolve("code")); // the platform's code root exists before any request
        store = Store.open(dir.resolve("data"));
        functions = newFunctions(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Functions newFunctions(Store s) {
        return new Functions(
                s,
                SETTINGS,
                RUNTIMES,
                dir.resolve("code"),
                (name, deployment) -> changes.add(new java.util.AbstractMap.SimpleEntry<>(name, deployment)));
    }

    // ---- Create, read, list ---------------------------------------------------------------------------------

    @Test
    void creates_a_function_with_aws_defaults() {
        FunctionRecord r = create("f");
        assertThat(r.functionName()).isEqualTo("f");
        assertThat(r.version()).isEqualTo("$LATEST");
        assertThat(r.runtime()).isEqualTo(RUNTIME);
        assertThat(r.handler()).isEqualTo(HANDLER);
        assertThat(r.role()).isEqualTo(ROLE);
        assertThat(r.description()).isEmpty();
        assertThat(r.memorySize()).isEqualTo(128);
        assertThat(r.timeout()).isEqualTo(3);
        assertThat(r.ephemeralStorage()).isEqualTo(512);
        assertThat(r.architectures()).containsExactly("x86_64");
        assertThat(r.environment()).isEmpty();
        assertThat(r.logFormat()).isEqualTo("Text");
        assertThat(r.tags()).isEmpty();
        assertThat(r.revisionId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(r.lastModified()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\+0000");
    }

    @Test
    void code_sha256_is_the_base64_sha256_of_the_zip_and_code_size_its_length() throws Exception {
        FunctionRecord r = create("f");
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(ZIP);
        assertThat(r.codeSha256()).isEqualTo(Base64.getEncoder().encodeToString(digest));
        assertThat(r.codeSha256Hex()).isEqualTo(java.util.HexFormat.of().formatHex(digest));
        assertThat(r.codeSize()).isEqualTo(ZIP.length);
    }

    @Test
    void stores_the_zip_as_a_blob_and_unpacks_it_for_the_data_plane() throws IOException {
        FunctionRecord r = create("f");
        assertThat(functions.codeBlob(r.codeSha256Hex())).hasBinaryContent(ZIP);
        assertThat(store.blobs().read(BlobStore.sha256Hex(ZIP))).isEqualTo(ZIP);
        Path code = functions.get("f", null).deployment().codeDirectory();
        assertThat(code).isEqualTo(dir.resolve("code").resolve(r.codeSha256Hex()));
        assertThat(code.resolve("example/Handler.class")).hasContent("v1 bytes");
        assertThat(code.resolve("lib/dep.jar")).hasContent("dep");
    }

    @Test
    void the_deployment_carries_the_arn_and_the_configuration() {
        create("f", cfg().memory(256).timeout(30).env(Map.of("GREETING", "hi")));
        FunctionDeployment d = functions.get("f", null).deployment();
        assertThat(d.functionArn()).isEqualTo(ARN_PREFIX + "f");
        assertThat(d.memorySize()).isEqualTo(256);
        assertThat(d.timeoutSeconds()).isEqualTo(30);
        assertThat(d.environment()).containsExactlyEntriesOf(Map.of("GREETING", "hi"));
        assertThat(changes).extracting(Map.Entry::getKey).containsExactly("f");
        assertThat(changes.getLast().getValue()).isEqualTo(d);
    }

    @Test
    void gets_a_created_function_and_lists_functions_by_name() {
        FunctionRecord b = create("b-func");
        FunctionRecord a = create("a-func");
        assertThat(functions.get("b-func", null).record()).isEqualTo(b);
        assertThat(functions.list()).containsExactly(a, b);
    }

    @Test
    void keeps_tags_given_at_creation() {
        FunctionRecord r = functions.create("f", cfg().build(), ZIP, false, Map.of("team", "core"));
        assertThat(r.tags()).containsExactlyEntriesOf(Map.of("team", "core"));
        assertThat(functions.get("f", null).record().tags()).containsExactlyEntriesOf(Map.of("team", "core"));
    }

    @Test
    void resolves_names_full_arns_partial_arns_and_qualified_names() {
        FunctionRecord r = create("my-func");
        assertThat(functions.get(ARN_PREFIX + "my-func", null).record()).isEqualTo(r);
        assertThat(functions.get("000000000000:function:my-func", null).record())
                .isEqualTo(r);
        assertThat(functions.get("my-func:$LATEST", null).record()).isEqualTo(r);
        assertThat(functions.get(ARN_PREFIX + "my-func:$LATEST", null).record()).isEqualTo(r);
        assertThat(functions.get("my-func", "$LATEST").record()).isEqualTo(r);
        FunctionRecord v1 = functions.publishVersion(ARN_PREFIX + "my-func");
        assertThat(functions.get(ARN_PREFIX + "my-func:1", null).record()).isEqualTo(v1);
        assertThat(functions.get("000000000000:function:my-func", "1").record()).isEqualTo(v1);
    }

    @Test
    void rejects_a_qualifier_in_the_name_that_differs_from_the_qualifier_parameter() {
        create("f");
        functions.publishVersion("f");
        LambdaException e = rejectedWithoutChange(() -> functions.get("f:1", "$LATEST"));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e)
                .hasMessage("The derived qualifier from the function name does not match the specified qualifier.");
    }

    @Test
    void an_unknown_function_is_not_found_with_its_arn() {
        create("f");
        LambdaException e = rejectedWithoutChange(() -> functions.get("nope", null));
        assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
        assertThat(e.code().status()).isEqualTo(404);
        assertThat(e.code().wireName()).isEqualTo("ResourceNotFoundException");
        assertThat(e).hasMessage("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope");
    }

    @Test
    void an_unknown_version_is_not_found_with_its_qualified_arn() {
        create("f");
        LambdaException e = rejectedWithoutChange(() -> functions.get("f", "7"));
        assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
        assertThat(e).hasMessage("Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:7");
    }

    @Test
    void changing_an_unknown_function_is_not_found() {
        String message = "Function not found: arn:aws:lambda:us-east-1:000000000000:function:ghost";
        assertThat(rejectedWithoutChange(() ->
                        functions.updateConfiguration("ghost", cfg().memory(256).build(), null)))
                .hasMessage(message);
        assertThat(rejectedWithoutChange(() -> functions.updateCode("ghost", ZIP, false, null, null)))
                .hasMessage(message);
        assertThat(rejectedWithoutChange(() -> functions.publishVersion("ghost")))
                .hasMessage(message);
        assertThat(rejectedWithoutChange(() -> functions.delete("ghost", null))).hasMessage(message);
    }

    // ---- Create: rejections ---------------------------------------------------------------------------------

    @Test
    void creating_an_existing_function_is_a_conflict() {
        create("f");
        LambdaException e = rejectedWithoutChange(() -> functions.create("f", cfg().build(), ZIP_2, false, null));
        assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_CONFLICT);
        assertThat(e.code().status()).isEqualTo(409);
        assertThat(e.code().wireName()).isEqualTo("ResourceConflictException");
        assertThat(e).hasMessage("Function already exist: f");
    }

    @Test
    void rejects_a_function_name_with_a_space() {
        LambdaException e =
                rejectedWithoutChange(() -> functions.create("my function", cfg().build(), ZIP, false, null));
        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e.code().wireName()).isEqualTo("ValidationException");
        assertThat(e.getMessage())
                .startsWith("1 validation error detected: Value 'my function' at 'functionName'"
                        + " failed to satisfy constraint: Member must satisfy regular expression pattern: ");
    }

    @Test
    void rejects_a_function_name_of_65_characters_and_accepts_64() {
        String name65 = "a".repeat(65);
        LambdaException e = rejectedWithoutChange(() -> functions.create(name65, cfg().build(), ZIP, false, null));
        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e)
                .hasMessage("1 validation error detected: Value '" + name65 + "' at 'functionName' failed to"
                        + " satisfy constraint: Member must have length less than or equal to 64");
        assertThat(create("b".repeat(64)).functionName()).hasSize(64);
    }

    @Test
    void rejects_a_role_that_is_not_an_iam_role_arn() {
        LambdaException e = rejectedWithoutChange(
                () -> functions.create("f", cfg().role("not-a-role").build(), ZIP, false, null));
        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e)
                .hasMessage("1 validation error detected: Value 'not-a-role' at 'role' failed to satisfy"
                        + " constraint: Member must satisfy regular expression pattern:"
                        + " arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
    }

    @Test
    void rejects_a_missing_role() {
        LambdaException e = rejectedWithoutChange(
                () -> functions.create("f", cfg().role(null).build(), ZIP, false, null));
        assertThat(e)
                .hasMessage(
                        "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void rejects_an_unknown_runtime_naming_it() {
        LambdaException e = rejectedWithoutChange(
                () -> functions.create("f", cfg().runtime("cobol85").build(), ZIP, false, null));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.getMessage()).contains("cobol85");
    }

    @Test
    void rejects_a_zip_function_without_runtime_or_handler_or_code() {
        assertThat(rejectedWithoutChange(
                        () -> functions.create("f", cfg().runtime(null).build(), ZIP, false, null)))
                .hasMessage("The Runtime parameter is required for a function with the Zip package type.");
        assertThat(rejectedWithoutChange(
                        () -> functions.create("f", cfg().handler(null).build(), ZIP, false, null)))
                .hasMessage("The Handler parameter is required for a function with the java21 runtime.");
        assertThat(rejectedWithoutChange(() -> functions.create("f", cfg().build(), null, false, null))
                        .code())
                .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    }

    @Test
    void rejects_a_package_that_is_not_a_zip_and_stores_nothing() {
        LambdaException e =
                rejectedWithoutChange(() -> functions.create("f", cfg().build(), "not a zip".getBytes(), false, null));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e).hasMessage("Could not unzip uploaded file. Please check your file, then try to upload again.");
    }

    @Test
    void rejects_a_package_with_an_entry_outside_it_and_stores_nothing() {
        LambdaException e = rejectedWithoutChange(
                () -> functions.create("f", cfg().build(), Zips.plain("../evil", "x"), false, null));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    }

    // ---- Validation wording ---------------------------------------------------------------------------------

    @Test
    void rejects_memory_below_128() {
        assertThat(rejectedCreate(cfg().memory(100)))
                .hasMessage(
                        "1 validation error detected: Value '100' at"
                                + " 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128");
    }

    @Test
    void rejects_memory_above_10240() {
        assertThat(rejectedCreate(cfg().memory(10241)))
                .hasMessage(
                        "1 validation error detected: Value '10241' at"
                                + " 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240");
    }

    @Test
    void rejects_a_timeout_of_0() {
        assertThat(rejectedCreate(cfg().timeout(0)))
                .hasMessage("1 validation error detected: Value '0' at"
                        + " 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1");
    }

    @Test
    void rejects_a_timeout_of_901() {
        assertThat(rejectedCreate(cfg().timeout(901)))
                .hasMessage("1 validation error detected: Value '901' at"
                        + " 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900");
    }

    @Test
    void rejects_ephemeral_storage_of_511() {
        assertThat(rejectedCreate(cfg().ephemeral(511)))
                .hasMessage("1 validation error detected: Value '511' at"
                        + " 'ephemeralStorage.size' failed to satisfy constraint: Member must have value greater than or"
                        + " equal to 512");
    }

    @Test
    void accepts_the_limits_themselves() {
        FunctionRecord low = create("low", cfg().memory(128).timeout(1).ephemeral(512));
        FunctionRecord high = create("high", cfg().memory(10240).timeout(900).ephemeral(10240));
        assertThat(List.of(low.memorySize(), low.timeout(), low.ephemeralStorage()))
                .containsExactly(128, 1, 512);
        assertThat(List.of(high.memorySize(), high.timeout(), high.ephemeralStorage()))
                .containsExactly(10240, 900, 10240);
    }

    @Test
    void reports_two_violations_in_one_message() {
        assertThat(rejectedCreate(cfg().memory(100).timeout(901)))
                .hasMessage("2 validation errors detected:"
                        + " Value '100' at 'memorySize' failed to satisfy constraint: Member must have value greater than or"
                        + " equal to 128; Value '901' at 'timeout' failed to satisfy constraint: Member must have value less"
                        + " than or equal to 900");
    }

    @Test
    void the_same_validation_applies_to_configuration_updates() {
        create("f");
        LambdaException e = rejectedWithoutChange(() ->
                functions.updateConfiguration("f", cfg().clear().memory(10241).build(), null));
        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e)
                .hasMessage("1 validation error detected: Value '10241' at 'memorySize' failed to satisfy"
                        + " constraint: Member must have value less than or equal to 10240");
        assertThat(rejectedWithoutChange(() -> functions.updateConfiguration(
                                "f", cfg().clear().role("arn:aws:s3:::bucket").build(), null))
                        .code())
                .isEqualTo(ErrorCode.VALIDATION);
        assertThat(rejectedWithoutChange(() -> functions.updateConfiguration(
                                "f", cfg().clear().runtime("cobol85").build(), null))
                        .getMessage())
                .contains("cobol85");
    }

    // ---- Environment ----------------------------------------------------------------------------------------

    @Test
    void rejects_a_reserved_environment_key_on_create_with_awss_message() {
        LambdaException e = rejectedCreate(cfg().env(Map.of("AWS_REGION", "eu-west-1")));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e).hasMessage(RESERVED_MESSAGE);
    }

    @Test
    void rejects_a_reserved_environment_key_on_update() {
        create("f");
        LambdaException e = rejectedWithoutChange(() -> functions.updateConfiguration(
                "f",
                cfg().clear()
                        .env(Map.of("AWS_REGION", "eu-west-1", "OK_KEY", "v"))
                        .build(),
                null));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e).hasMessage(RESERVED_MESSAGE);
    }

    @Test
    void allows_path_and_language_variables() {
        FunctionRecord r = create("f", cfg().env(Map.of("PATH", "/usr/bin", "LANG", "C.UTF-8", "PYTHONPATH", "/x")));
        assertThat(r.environment()).containsEntry("PATH", "/usr/bin").containsEntry("LANG", "C.UTF-8");
    }

    @Test
    void rejects_an_environment_over_4_kb_and_accepts_3000_characters() {
        create("f");
        LambdaException e = rejectedWithoutChange(() -> functions.updateConfiguration(
                "f", cfg().clear().env(Map.of("BIG", "x".repeat(5000))).build(), null));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.getMessage()).startsWith(TOO_LARGE_PREFIX);

        FunctionRecord ok = functions.updateConfiguration(
                "f", cfg().clear().env(Map.of("BIG", "x".repeat(3000))).build(), null);
        assertThat(ok.environment().get("BIG")).hasSize(3000);
        assertThat(functions.get("f", null).record().environment().get("BIG")).hasSize(3000);
    }

    @Test
    void rejects_an_environment_over_4_kb_on_create() {
        assertThat(rejectedCreate(cfg().env(Map.of("BIG", "y".repeat(5000)))).getMessage())
                .startsWith(TOO_LARGE_PREFIX);
    }

    @Test
    void rejects_an_environment_key_that_does_not_start_with_a_letter() {
        LambdaException e = rejectedCreate(cfg().env(Map.of("1BAD", "v")));
        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e.getMessage()).startsWith("1 validation error detected: Value '1BAD' at 'environment.variables'");
    }

    // ---- Updates --------------------------------------------------------------------------------------------

    @Test
    void updates_the_configuration_keeping_what_is_not_given() {
        FunctionRecord created = create("f", cfg().env(Map.of("KEY_A", "1")).description("first"));
        FunctionRecord updated =
                functions.updateConfiguration("f", cfg().clear().memory(1024).build(), null);
        assertThat(updated.memorySize()).isEqualTo(1024);
        assertThat(updated.description()).isEqualTo("first");
        assertThat(updated.environment()).containsExactlyEntriesOf(Map.of("KEY_A", "1"));
        assertThat(updated.codeSha256()).isEqualTo(created.codeSha256());
        assertThat(updated.revisionId()).isNotEqualTo(created.revisionId());
        assertThat(functions.get("f", null).record()).isEqualTo(updated);
        assertThat(functions.get("f", null).deployment().memorySize()).isEqualTo(1024);
        assertThat(changes.getLast().getValue().memorySize()).isEqualTo(1024);
    }

    @Test
    void updates_the_code_keeping_the_configuration() throws Exception {
        FunctionRecord created = create("f", cfg().memory(512));
        FunctionRecord updated = functions.updateCode("f", ZIP_2, false, created.revisionId(), null);
        assertThat(updated.codeSha256())
                .isEqualTo(Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("SHA-256").digest(ZIP_2)));
        assertThat(updated.codeSize()).isEqualTo(ZIP_2.length);
        assertThat(updated.memorySize()).isEqualTo(512);
        assertThat(updated.revisionId()).isNotEqualTo(created.revisionId());
        Path code = functions.get("f", null).deployment().codeDirectory();
        assertThat(code.resolve("example/Handler.class")).hasContent("v2 bytes");
        assertThat(functions.codeBlob(updated.codeSha256Hex())).hasBinaryContent(ZIP_2);
    }

    @Test
    void the_revision_id_changes_on_every_update() {
        List<String> revisions = new ArrayList<>();
        revisions.add(create("f").revisionId());
        revisions.add(functions
                .updateConfiguration("f", cfg().clear().timeout(10).build(), null)
                .revisionId());
        revisions.add(functions
                .updateConfiguration("f", cfg().clear().timeout(10).build(), null)
                .revisionId());
        revisions.add(functions.updateCode("f", ZIP_2, false, null, null).revisionId());
        revisions.add(functions.updateCode("f", ZIP_2, false, null, null).revisionId());
        assertThat(revisions).doesNotHaveDuplicates();
    }

    @Test
    void accepts_an_update_with_the_current_revision_id() {
        String revision = create("f").revisionId();
        FunctionRecord updated =
                functions.updateConfiguration("f", cfg().clear().timeout(10).build(), revision);
        assertThat(updated.timeout()).isEqualTo(10);
    }

    @Test
    void rejects_an_update_with_a_stale_revision_id() {
        String stale = create("f").revisionId();
        functions.updateConfiguration("f", cfg().clear().timeout(10).build(), null);
        LambdaException config = rejectedWithoutChange(() ->
                functions.updateConfiguration("f", cfg().clear().timeout(20).build(), stale));
        assertThat(config.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED);
        assertThat(config.code().status()).isEqualTo(412);
        assertThat(config.code().wireName()).isEqualTo("PreconditionFailedException");
        assertThat(config)
                .hasMessage("The Revision Id provided does not match the latest Revision Id. Call the"
                        + " GetFunction/GetAlias API to retrieve the latest Revision Id");
        LambdaException code = rejectedWithoutChange(() -> functions.updateCode("f", ZIP_2, false, stale, null));
        assertThat(code.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED);
    }

    @Test
    void update_code_rejects_an_unknown_architecture() {
        create("f");
        LambdaException e =
                rejectedWithoutChange(() -> functions.updateCode("f", ZIP_2, false, null, List.of("sparc")));
        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e.getMessage())
                .startsWith("1 validation error detected: Value ")
                .contains("'architectures'");
    }

    @Test
    void update_code_switches_to_another_valid_architecture() {
        create("f");
        assertThat(functions
                        .updateCode("f", ZIP_2, false, null, List.of("arm64"))
                        .architectures())
                .containsExactly("arm64");
    }

    @Test
    void rejects_a_description_over_256_characters() {
        LambdaException e = rejectedCreate(cfg().description("d".repeat(257)));
        assertThat(e)
                .hasMessage("1 validation error detected: Value '" + "d".repeat(257) + "' at 'description'"
                        + " failed to satisfy constraint: Member must have length less than or equal to 256");
    }

    @Test
    void two_functions_with_the_same_zip_share_one_blob_and_one_unpacked_folder() throws IOException {
        FunctionRecord a = create("a");
        FunctionRecord b = create("b");
        assertThat(b.codeSha256Hex()).isEqualTo(a.codeSha256Hex());
        assertThat(functions.get("a", null).deployment().codeDirectory())
                .isEqualTo(functions.get("b", null).deployment().codeDirectory());
        try (Stream<Path> code = Files.list(dir.resolve("code"))) {
            assertThat(code.toList()).containsExactly(dir.resolve("code").resolve(a.codeSha256Hex()));
        }
        functions.delete("a", null);
        assertThat(functions.get("b", null).deployment().codeDirectory().resolve("example/Handler.class"))
                .hasContent("v1 bytes");
    }

    @Test
    void an_update_with_a_bad_package_changes_nothing() {
        create("f");
        assertThat(rejectedWithoutChange(() -> functions.updateCode("f", "garbage".getBytes(), false, null, null)))
                .hasMessage("Could not unzip uploaded file. Please check your file, then try to upload again.");
        assertThat(rejectedWithoutChange(() -> functions.updateCode("f", null, false, null, null))
                        .code())
                .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    }

    // ---- Delete ---------------------------------------------------------------------------------------------

    @Test
    void deletes_a_function_with_its_versions() {
        create("f");
        functions.publishVersion("f");
        FunctionRecord g = create("g");
        functions.delete(ARN_PREFIX + "f", null);
        assertThat(functions.list()).containsExactly(g);
        assertThat(store.getVersion("f", "$LATEST")).isEmpty();
        assertThat(store.getVersion("f", "1")).isEmpty();
        assertThat(rejectedWithoutChange(() -> functions.get("f", "1")).code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
        assertThat(changes.getLast())
                .isEqualTo(new java.util.AbstractMap.SimpleEntry<String, FunctionDeployment>("f", null));
    }

    @Test
    void a_deleted_function_can_be_created_again() {
        create("f");
        functions.delete("f", null);
        FunctionRecord again = create("f", cfg().memory(256));
        assertThat(functions.get("f", null).record()).isEqualTo(again);
        assertThat(functions.publishVersion("f").version()).isEqualTo("1");
    }

    @Test
    void deletes_a_single_version_keeping_the_others() {
        create("f");
        FunctionRecord v1 = functions.publishVersion("f");
        functions.updateConfiguration("f", cfg().clear().timeout(10).build(), null);
        functions.publishVersion("f");
        functions.delete("f", "2");
        assertThat(rejectedWithoutChange(() -> functions.get("f", "2")))
                .hasMessage("Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:2");
        assertThat(store.getVersion("f", "2")).isEmpty();
        assertThat(functions.get("f", "1").record()).isEqualTo(v1);
        assertThat(functions.get("f", null).record().timeout()).isEqualTo(10);
        assertThat(functions.versions("f")).extracting(FunctionRecord::version).containsExactly("$LATEST", "1");
    }

    @Test
    void a_deleted_version_number_is_never_published_again_even_after_a_restart() {
        create("f");
        functions.publishVersion("f");
        functions.updateConfiguration("f", cfg().clear().timeout(10).build(), null);
        functions.publishVersion("f");
        functions.delete(ARN_PREFIX + "f:2", null);
        functions.updateConfiguration("f", cfg().clear().timeout(20).build(), null);
        assertThat(functions.publishVersion("f").version()).isEqualTo("3");
        functions.delete("f", "3");
        store.close();
        store = Store.open(dir.resolve("data"));
        functions = newFunctions(store);
        functions.updateConfiguration("f", cfg().clear().timeout(30).build(), null);
        assertThat(functions.publishVersion("f").version()).isEqualTo("4");
        assertThat(functions.versions("f")).extracting(FunctionRecord::version).containsExactly("$LATEST", "1", "4");
    }

    @Test
    void deleting_latest_alone_or_an_unknown_version_is_refused_and_changes_nothing() {
        create("f");
        functions.publishVersion("f");
        LambdaException latest = rejectedWithoutChange(() -> functions.delete("f", "$LATEST"));
        assertThat(latest.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(latest).hasMessage("$LATEST version cannot be deleted without deleting the function.");
        LambdaException unknown = rejectedWithoutChange(() -> functions.delete("f", "9"));
        assertThat(unknown.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
        assertThat(unknown).hasMessage("Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:9");
    }

    // ---- Versions -------------------------------------------------------------------------------------------

    @Test
    void publishes_versions_1_and_2_and_reuses_a_version_when_nothing_changed() {
        create("f", cfg().memory(256));
        FunctionRecord v1 = functions.publishVersion("f");
        assertThat(v1.version()).isEqualTo("1");
        assertThat(v1.memorySize()).isEqualTo(256);
        assertThat(functions.publishVersion("f")).isEqualTo(v1);
        assertThat(store.listAllVersions()).hasSize(2);

        functions.updateConfiguration("f", cfg().clear().memory(512).build(), null);
        FunctionRecord v2 = functions.publishVersion("f");
        assertThat(v2.version()).isEqualTo("2");
        assertThat(v2.memorySize()).isEqualTo(512);
        assertThat(functions.publishVersion("f")).isEqualTo(v2);

        assertThat(functions.get("f", "1").record().memorySize()).isEqualTo(256);
        assertThat(functions.get("f", "2").record().memorySize()).isEqualTo(512);
        assertThat(functions.get("f", "2").deployment().version()).isEqualTo("2");
        assertThat(store.listAllVersions()).hasSize(3);
        assertThat(functions.list()).extracting(FunctionRecord::version).containsExactly("$LATEST");
    }

    @Test
    void publishing_after_an_update_to_the_same_code_returns_the_existing_version() {
        create("f");
        FunctionRecord v1 = functions.publishVersion("f");
        functions.updateCode("f", ZIP, false, null, null); // the very same zip
        assertThat(functions.publishVersion("f").version()).isEqualTo(v1.version());
        assertThat(store.listAllVersions()).hasSize(2);
    }

    @Test
    void publishing_after_a_configuration_update_that_changes_nothing_returns_the_existing_version() {
        create("f", cfg().timeout(3));
        FunctionRecord v1 = functions.publishVersion("f");
        functions.updateConfiguration("f", cfg().clear().timeout(3).build(), null);
        assertThat(functions.publishVersion("f").version()).isEqualTo(v1.version());
    }

    @Test
    void publish_refuses_a_code_sha256_or_revision_id_that_is_not_latests() {
        FunctionRecord r = create("f");
        LambdaException sha =
                rejectedWithoutChange(() -> functions.publishVersion("f", "bm90IHRoZSBzaGE=", null, null));
        assertThat(sha.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(sha)
                .hasMessage("CodeSHA256 (bm90IHRoZSBzaGE=) is different from current CodeSHA256 in $LATEST ("
                        + r.codeSha256() + "). Please try again with the CodeSHA256 in $LATEST.");
        LambdaException revision = rejectedWithoutChange(() -> functions.publishVersion("f", null, "stale", null));
        assertThat(revision.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED);
        assertThat(functions
                        .publishVersion("f", r.codeSha256(), r.revisionId(), null)
                        .version())
                .isEqualTo("1");
    }

    @Test
    void a_published_version_can_carry_its_own_description() {
        create("f", cfg().description("function description"));
        FunctionRecord v1 = functions.publishVersion("f", null, null, "first release");
        assertThat(v1.description()).isEqualTo("first release");
        assertThat(functions.get("f", "1").record().description()).isEqualTo("first release");
        assertThat(functions.get("f", null).record().description()).isEqualTo("function description");
    }

    @Test
    void create_and_update_code_can_publish_at_once() {
        FunctionRecord v1 = functions.create("f", cfg().build(), ZIP, true, null);
        assertThat(v1.version()).isEqualTo("1");
        assertThat(functions.get("f", "1").record()).isEqualTo(v1);
        FunctionRecord v2 = functions.updateCode("f", ZIP_2, true, null, null);
        assertThat(v2.version()).isEqualTo("2");
        assertThat(v2.codeSize()).isEqualTo(ZIP_2.length);
        assertThat(functions.get("f", "1").record().codeSize()).isEqualTo(ZIP.length);
    }

    @Test
    void version_numbers_go_on_after_ten() {
        create("f");
        for (int i = 1; i <= 11; i++) {
            functions.updateConfiguration("f", cfg().clear().timeout(i).build(), null);
            assertThat(functions.publishVersion("f").version()).isEqualTo(Integer.toString(i));
        }
    }

    // ---- Persistence ----------------------------------------------------------------------------------------

    @Test
    void functions_and_versions_survive_closing_and_reopening_the_store() {
        create("f", cfg().memory(256).env(Map.of("KEY_A", "1")).description("d"));
        FunctionRecord v1 = functions.publishVersion("f");
        FunctionRecord latest = functions.updateCode("f", ZIP_2, false, null, null);
        FunctionRecord g = functions.create("g", cfg().build(), ZIP, false, Map.of("team", "core"));
        store.close();

        store = Store.open(dir.resolve("data"));
        functions = newFunctions(store); // a new instance, reading only the store
        Functions reopened = functions;
        assertThat(reopened.list()).containsExactly(latest, g);
        assertThat(reopened.get("f", "1").record()).isEqualTo(v1);
        assertThat(reopened.get("f", null).deployment().codeDirectory().resolve("example/Handler.class"))
                .hasContent("v2 bytes");
        assertThat(reopened.publishVersion("f").version()).isEqualTo("2");
        assertThat(rejectedWithoutChange(() -> reopened.create("g", cfg().build(), ZIP, false, null))
                        .code())
                .isEqualTo(ErrorCode.RESOURCE_CONFLICT);
    }

    @Test
    void an_unpacked_folder_lost_while_stopped_is_unpacked_again_from_the_blob() throws IOException {
        FunctionRecord r = create("f");
        store.close();
        DeploymentPackage.deleteTree(dir.resolve("code"));

        store = Store.open(dir.resolve("data"));
        functions = newFunctions(store); // a new instance, reading only the store
        Functions reopened = functions;
        assertThat(dir.resolve("code").resolve(r.codeSha256Hex()).resolve("example/Handler.class"))
                .hasContent("v1 bytes");
        assertThat(reopened.get("f", null).record()).isEqualTo(r);
    }

    // ---- Helpers --------------------------------------------------------------------------------------------

    private FunctionRecord create(String name) {
        return create(name, cfg());
    }

    private FunctionRecord create(String name, Cfg cfg) {
        return functions.create(name, cfg.build(), ZIP, false, null);
    }

    private LambdaException rejectedCreate(Cfg cfg) {
        return rejectedWithoutChange(() -> functions.create("f", cfg.build(), ZIP, false, null));
    }

    /** Runs a call that must be refused, and checks that it changed nothing: store, snapshot, files, listeners. */
    private LambdaException rejectedWithoutChange(ThrowingCallable call) {
        State before = state();
        LambdaException e = catchThrowableOfType(LambdaException.class, call);
        assertThat(e).as("the call should have been refused").isNotNull();
        assertThat(state()).isEqualTo(before);
        return e;
    }

    private record State(
            List<String> rows,
            List<FunctionRecord> list,
            Map<String, FunctionRecord> versions,
            List<String> files,
            int changes) {}

    private State state() {
        Map<String, FunctionRecord> versions = new HashMap<>();
        for (FunctionRecord latest : functions.list()) {
            for (String doc : store.listAllVersions()) {
                if (doc.contains("\"functionName\":\"" + latest.functionName() + "\"")) {
                    String version = doc.replaceAll(".*\"version\":\"([^\"]+)\".*", "$1");
                    versions.put(
                            latest.functionName() + ":" + version,
                            functions.get(latest.functionName(), version).record());
                }
            }
        }
        List<String> files;
        try (Stream<Path> paths = Files.walk(dir)) {
            files = paths.filter(p -> !p.getFileName().toString().startsWith("lamina.db"))
                    .map(p -> dir.relativize(p).toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new State(store.listAllVersions(), functions.list(), versions, files, changes.size());
    }

    private static Cfg cfg() {
        return new Cfg();
    }

    /** Request settings, starting from a valid create request. */
    private static final class Cfg {
        private String runtime = RUNTIME;
        private String handler = HANDLER;
        private String role = ROLE;
        private String description;
        private Integer memory;
        private Integer timeout;
        private Integer ephemeral;
        private Map<String, String> env;

        /** Nothing given: an update that changes only what is set afterwards. */
        Cfg clear() {
            runtime = null;
            handler = null;
            role = null;
            return this;
        }

        Cfg runtime(String v) {
            runtime = v;
            return this;
        }

        Cfg handler(String v) {
            handler = v;
            return this;
        }

        Cfg role(String v) {
            role = v;
            return this;
        }

        Cfg description(String v) {
            description = v;
            return this;
        }

        Cfg memory(Integer v) {
            memory = v;
            return this;
        }

        Cfg timeout(Integer v) {
            timeout = v;
            return this;
        }

        Cfg ephemeral(Integer v) {
            ephemeral = v;
            return this;
        }

        Cfg env(Map<String, String> v) {
            env = v;
            return this;
        }

        FunctionSettings build() {
            return new FunctionSettings(
                    runtime, handler, role, description, memory, timeout, ephemeral, null, env, null);
        }
    }
}
