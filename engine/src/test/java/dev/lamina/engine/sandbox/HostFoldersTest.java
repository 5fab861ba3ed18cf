package dev.lamina.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFoldersTest {

    @TempDir
    Path root;

    @Test
    void link_tree_gives_the_same_files_links_and_permissions() throws Exception {
        Path source = Files.createDirectories(root.resolve("code/lib/deep"));
        source = root.resolve("code");
        Files.writeString(source.resolve("handler.py"), "x = 1\n");
        Files.writeString(source.resolve("lib/deep/data.bin"), "data");
        Files.setPosixFilePermissions(source.resolve("handler.py"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.createSymbolicLink(source.resolve("link"), Path.of("lib/deep/data.bin"));
        Files.setPosixFilePermissions(source.resolve("lib"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Path target = Files.createDirectory(root.resolve("task"));

        HostFolders.linkTree(source, target);

        assertThat(Files.readString(target.resolve("handler.py"))).isEqualTo("x = 1\n");
        assertThat(Files.isSameFile(target.resolve("handler.py"), source.resolve("handler.py")))
                .isTrue();
        assertThat(Files.getAttribute(target.resolve("handler.py"), "unix:nlink"))
                .isEqualTo(2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("handler.py"))))
                .isEqualTo("r-xr-xr-x");
        assertThat(Files.readSymbolicLink(target.resolve("link"))).isEqualTo(Path.of("lib/deep/data.bin"));
        assertThat(Files.readString(target.resolve("link"))).isEqualTo("data");
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(target.resolve("lib"), LinkOption.NOFOLLOW_LINKS)))
                .isEqualTo("r-xr-xr-x");

        Files.setPosixFilePermissions(source.resolve("lib"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(target.resolve("lib"), PosixFilePermissions.fromString("rwxr-xr-x"));
        HostFolders.deleteTree(target);
        assertThat(target).doesNotExist();
        assertThat(Files.readString(source.resolve("handler.py"))).isEqualTo("x = 1\n");
    }
}
