package dev.lamina.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeploymentPackageTest {

    private static final String CANNOT_UNZIP =
            "Could not unzip uploaded file. Please check your file, then try to upload again.";

    @TempDir
    Path dir;

    /** Where packages unpack: a folder of its own, so that anything left beside the target shows. */
    private Path codeRoot() {
        return dir.resolve("code");
    }

    private Path target() {
        return codeRoot().resolve("pkg");
    }

    // ---- Normal packages ------------------------------------------------------------------------------------

    @Test
    void unpacks_files_and_folders_with_their_content() throws IOException {
        byte[] zip = Zips.plain(
                "handler.py",
                "def handler(e, c):\n    return 1\n",
                "lib/",
                "",
                "lib/util.py",
                "X = 1",
                "deep/a/b/c.txt",
                "deep");
        DeploymentPackage.unpack(zip, target());
        assertThat(target().resolve("handler.py")).hasContent("def handler(e, c):\n    return 1\n");
        assertThat(target().resolve("lib/util.py")).hasContent("X = 1");
        assertThat(target().resolve("deep/a/b/c.txt")).hasContent("deep");
        assertThat(entriesOf(codeRoot())).containsExactly(target());
    }

    @Test
    void a_package_without_unix_modes_unpacks_with_files_644_and_folders_755() throws IOException {
        DeploymentPackage.unpack(
                Zips.plain("index.js", "x", "lib/", "", "lib/a.js", "y", "implicit/b.js", "z"), target());
        assertThat(permissions(target().resolve("index.js"))).isEqualTo("rw-r--r--");
        assertThat(permissions(target().resolve("lib/a.js"))).isEqualTo("rw-r--r--");
        assertThat(permissions(target().resolve("implicit/b.js"))).isEqualTo("rw-r--r--");
        assertThat(permissions(target())).isEqualTo("rwxr-xr-x");
        assertThat(permissions(target().resolve("lib"))).isEqualTo("rwxr-xr-x");
        assertThat(permissions(target().resolve("implicit"))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void unix_modes_become_644_for_files_755_for_folders_and_755_for_executables() throws IOException {
        byte[] zip = Zips.unix()
                .dir("bin", 0755)
                .file("bin/bootstrap", 0755, "#!/bin/sh\n")
                .file("bin/owner-exec", 0744, "#!/bin/sh\n")
                .file("handler.py", 0644, "code")
                .file("group-writable.txt", 0664, "data")
                .file("world-writable.txt", 0666, "data")
                .dir("wide", 0777)
                .file("wide/f.txt", 0644, "data")
                .build();
        DeploymentPackage.unpack(zip, target());
        assertThat(permissions(target().resolve("bin/bootstrap"))).isEqualTo("rwxr-xr-x");
        assertThat(permissions(target().resolve("bin/owner-exec"))).isEqualTo("rwxr-xr-x");
        assertThat(permissions(target().resolve("handler.py"))).isEqualTo("rw-r--r--");
        assertThat(permissions(target().resolve("group-writable.txt"))).isEqualTo("rw-r--r--");
        assertThat(permissions(target().resolve("world-writable.txt"))).isEqualTo("rw-r--r--");
        assertThat(permissions(target().resolve("bin"))).isEqualTo("rwxr-xr-x");
        assertThat(permissions(target().resolve("wide"))).isEqualTo("rwxr-xr-x");
        assertThat(permissions(target())).isEqualTo("rwxr-xr-x");
        assertThat(target().resolve("bin/bootstrap")).hasContent("#!/bin/sh\n");
    }

    @Test
    void a_root_folder_entry_is_ignored() throws IOException {
        DeploymentPackage.unpack(Zips.plain("./", "", "a.txt", "a"), target());
        assertThat(target().resolve("a.txt")).hasContent("a");
    }

    @Test
    void unpacking_again_into_an_existing_target_keeps_it_and_leaves_no_staging_folder() throws IOException {
        byte[] zip = Zips.plain("a.txt", "a");
        DeploymentPackage.unpack(zip, target());
        DeploymentPackage.unpack(zip, target());
        assertThat(target().resolve("a.txt")).hasContent("a");
        assertThat(entriesOf(codeRoot())).containsExactly(target());
    }

    // ---- Not a zip ------------------------------------------------------------------------------------------

    @Test
    void rejects_bytes_that_are_not_a_zip() throws IOException {
        LambdaException e = rejected("this is not a zip file at all".getBytes(StandardCharsets.UTF_8));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.code().wireName()).isEqualTo("InvalidParameterValueException");
        assertThat(e.code().status()).isEqualTo(400);
        assertThat(e).hasMessage(CANNOT_UNZIP);
        assertThat(entriesOf(codeRoot())).isEmpty();
    }

    @Test
    void rejects_an_empty_upload() throws IOException {
        assertThat(rejected(new byte[0])).hasMessage(CANNOT_UNZIP);
        assertThat(entriesOf(codeRoot())).isEmpty();
    }

    @Test
    void rejects_a_truncated_zip() throws IOException {
        byte[] zip = Zips.plain("a.txt", "a".repeat(10_000), "b.txt", "b".repeat(10_000));
        byte[] truncated = java.util.Arrays.copyOf(zip, zip.length / 2);
        assertThat(rejected(truncated)).hasMessage(CANNOT_UNZIP);
        assertThat(entriesOf(codeRoot())).isEmpty();
    }

    // ---- Entries outside the package ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"../evil", "/abs", "a/../../x", "a/../../../../../../tmp/x", "..\\evil"})
    void rejects_an_entry_that_escapes_the_package_and_leaves_nothing_behind(String name) throws IOException {
        byte[] zip = Zips.plain("ok-first.txt", "written before the bad entry", name, "pwned");
        LambdaException e = rejected(zip);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.getMessage()).contains(name.replace('\\', '/')); // the zip reader turns a backslash into /
        assertThat(entriesOf(codeRoot()))
                .as("no partial folder and no escaped file")
                .isEmpty();
        assertThat(dir.resolve("evil")).doesNotExist();
        assertThat(dir.resolve("x")).doesNotExist();
        assertThat(Path.of("/abs")).doesNotExist();
    }

    @Test
    void rejects_a_package_that_uses_a_file_as_a_folder_as_a_bad_zip() throws IOException {
        LambdaException e = rejected(Zips.plain("a", "a file", "a/b", "inside a file?"));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(entriesOf(codeRoot())).isEmpty();
    }

    @Test
    void rejects_a_package_with_a_file_and_a_link_of_the_same_name_as_a_bad_zip() throws IOException {
        LambdaException e = rejected(Zips.unix()
                .file("a.txt", 0644, "a")
                .file("b", 0644, "b")
                .link("b", "a.txt")
                .build());
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(entriesOf(codeRoot())).isEmpty();
    }

    // ---- Symbolic links -------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../../x", "..", "sub/../../outside"})
    void rejects_a_link_that_points_outside_the_package(String linkTarget) throws IOException {
        byte[] zip =
                Zips.unix().file("a.txt", 0644, "a").link("lnk", linkTarget).build();
        LambdaException e = rejected(zip);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.getMessage()).contains("lnk").contains(linkTarget);
        assertThat(entriesOf(codeRoot())).isEmpty();
    }

    @Test
    void rejects_a_nested_link_that_climbs_out_of_the_package() throws IOException {
        byte[] zip = Zips.unix().dir("lib", 0755).link("lib/up", "../../x").build();
        assertThat(rejected(zip).getMessage()).contains("lib/up");
        assertThat(entriesOf(codeRoot())).isEmpty();
    }

    @Test
    void keeps_a_link_that_stays_inside_the_package() throws IOException {
        byte[] zip = Zips.unix()
                .file("data.txt", 0644, "payload")
                .dir("lib", 0755)
                .link("lib/data-link", "../data.txt")
                .link("same-dir-link", "data.txt")
                .build();
        DeploymentPackage.unpack(zip, target());
        Path link = target().resolve("lib/data-link");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("../data.txt"));
        assertThat(link).hasContent("payload");
        assertThat(Files.readSymbolicLink(target().resolve("same-dir-link"))).isEqualTo(Path.of("data.txt"));
    }

    @Test
    void rejects_a_file_written_through_a_chain_of_links_that_leads_outside() throws IOException {
        // Each link on its own resolves inside the package, but "a" is the package root, so "a/b" is created as
        // "b" at the root pointing to "..", the folder above the package; "b/evil" would then land outside.
        byte[] zip = Zips.unix()
                .link("a", ".")
                .link("a/b", "..")
                .file("b/evil", 0644, "pwned")
                .build();
        try {
            DeploymentPackage.unpack(zip, target());
        } catch (LambdaException expected) {
            // refusing the package is fine; what matters is below
        }
        assertThat(codeRoot().resolve("evil"))
                .as("a file written outside the package")
                .doesNotExist();
        assertThat(dir.resolve("evil")).doesNotExist();
    }

    @Test
    void rejects_a_chain_of_links_that_reaches_a_folder_two_levels_above_the_package() throws IOException {
        // "a" is the root, so "a/b" is "b" -> ".." (the code root); "b/c" is then created in the code root as
        // "c" -> "..", the folder above it; "b/c/escaped" lands two levels above the package.
        byte[] zip = Zips.unix()
                .link("a", ".")
                .link("a/b", "..")
                .link("b/c", "..")
                .file("b/c/escaped", 0644, "pwned")
                .build();
        try {
            DeploymentPackage.unpack(zip, target());
        } catch (LambdaException expected) {
            // refusing the package is fine; what matters is below
        }
        assertThat(dir.resolve("escaped"))
                .as("a file written two levels above the package")
                .doesNotExist();
        assertThat(codeRoot().resolve("c")).doesNotExist();
    }

    // ---- Size -----------------------------------------------------------------------------------------------

    @Test
    void rejects_a_zip_bomb_by_the_bytes_actually_inflated() throws IOException {
        byte[] bomb = Zips.zeros(300L * 1024 * 1024);
        assertThat(bomb.length).as("the bomb is small when zipped").isLessThan(2 * 1024 * 1024);
        LambdaException e = rejected(bomb);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e).hasMessage("Unzipped size must be smaller than 262144000 bytes");
        assertThat(entriesOf(codeRoot())).isEmpty();
    }

    @Test
    void counts_the_unzipped_size_across_all_entries() throws IOException {
        byte[] zip = Zips.zeros(130L * 1024 * 1024, 130L * 1024 * 1024);
        assertThat(rejected(zip)).hasMessage("Unzipped size must be smaller than 262144000 bytes");
        assertThat(entriesOf(codeRoot())).isEmpty();
    }

    // ---- Unreadable files -----------------------------------------------------------------------------------

    @Test
    void rejects_files_and_folders_the_function_could_not_read_naming_each() throws IOException {
        byte[] zip = Zips.unix()
                .file("handler.py", 0644, "ok")
                .file("secret.txt", 0600, "s")
                .dir("private", 0700)
                .file("private/inner.txt", 0644, "i")
                .build();
        LambdaException e = rejected(zip);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.getMessage())
                .startsWith("The deployment package has files or folders that the function could not read: ")
                .contains("secret.txt (600)")
                .contains("private/ (700)")
                .doesNotContain("handler.py")
                .doesNotContain("inner.txt");
        assertThat(entriesOf(codeRoot())).isEmpty();
    }

    @Test
    void rejects_a_single_file_with_mode_600() throws IOException {
        byte[] zip = Zips.unix().file("only-owner.py", 0600, "x").build();
        assertThat(rejected(zip).getMessage()).contains("only-owner.py (600)");
        assertThat(entriesOf(codeRoot())).isEmpty();
    }

    @Test
    void rejects_a_single_folder_with_mode_700() throws IOException {
        byte[] zip =
                Zips.unix().dir("closed", 0700).file("closed/a.py", 0644, "x").build();
        assertThat(rejected(zip).getMessage()).contains("closed/ (700)");
        assertThat(entriesOf(codeRoot())).isEmpty();
    }

    // ---- Helpers --------------------------------------------------------------------------------------------

    private LambdaException rejected(byte[] zip) {
        LambdaException e = catchThrowableOfType(LambdaException.class, () -> DeploymentPackage.unpack(zip, target()));
        assertThat(e).as("the package should have been refused").isNotNull();
        assertThat(target()).doesNotExist();
        return e;
    }

    private static String permissions(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static List<Path> entriesOf(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(folder)) {
            return children.toList();
        }
    }
}
