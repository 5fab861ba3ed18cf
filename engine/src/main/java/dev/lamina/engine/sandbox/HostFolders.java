package dev.lamina.engine.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/** Host folders that instances see: filled in place for a pre-started runtime, removed after an instance. */
public final class HostFolders {

    private HostFolders() {}

    /**
     * Makes {@code target} (an existing, empty folder) hold the same tree as {@code source}: hard links to its files
     * (copies where the two are on different file systems), the same symbolic links, folders with the same
     * permissions. A pre-started sandbox has {@code target} mounted read-only at {@code /var/task} since it started,
     * so the function's code appears there in place; hard links make that cost one link per file, not a copy.
     */
    public static void linkTree(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path copy = target.resolve(source.relativize(dir).toString());
                if (!dir.equals(source)) {
                    Files.createDirectory(copy);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                // After its entries: a folder without write permission can still be filled.
                Path copy = target.resolve(source.relativize(dir).toString());
                Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path copy = target.resolve(source.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(copy, Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    try {
                        Files.createLink(copy, file);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Removes a folder and everything in it, as far as it can (a file the function made unwritable stays). */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // left for the operator
                }
            });
        } catch (IOException e) {
            // gone meanwhile, or unreadable: nothing more to do
        }
    }
}
