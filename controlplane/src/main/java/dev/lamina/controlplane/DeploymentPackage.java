package dev.lamina.controlplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Checks and unpacks a zip deployment package. A package is refused, with nothing stored, when it is not a zip, when
 * an entry or a link would land outside the package, when it unpacks to more than AWS's 250 MB, or when it holds files
 * the function could not read (AWS needs files readable by all, 644, and folders 755).
 *
 * <p>Sizes are counted from the bytes actually inflated, never from the zip's headers, so a zip bomb stops at the
 * limit.
 */
public final class DeploymentPackage {

    /** AWS's limit on a function's unzipped code: 250 MB. */
    public static final long MAX_UNZIPPED = 262_144_000L;
    /** AWS's limit on a zip uploaded directly: 50 MB. */
    public static final long MAX_ZIPPED = 52_428_800L;

    private static final int S_IFMT = 0170000;
    private static final int S_IFLNK = 0120000;

    private DeploymentPackage() {}

    /**
     * Unpacks {@code zip} into {@code target} (which must not exist): into a sibling temporary folder first, then
     * renamed into place, so {@code target} is complete or absent.
     */
    public static void unpack(byte[] zip, Path target) {
        Path staging;
        try {
            Files.createDirectories(target.getParent());
            staging = Files.createTempDirectory(target.getParent(), ".unpack-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            extract(zip, staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileSystemException raced) {
                if (!Files.isDirectory(target)) {
                    throw raced;
                }
                deleteTree(staging); // another upload of the same code won (Linux says "Directory not empty")
            }
        } catch (IOException e) {
            deleteTree(staging);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteTree(staging);
            throw e;
        }
    }

    private static void extract(byte[] zip, Path root) throws IOException {
        List<ZipArchiveEntry> entries;
        ZipFile file;
        try {
            SeekableByteChannel channel = new SeekableInMemoryByteChannel(zip);
            file = ZipFile.builder().setSeekableByteChannel(channel).get();
            entries = Collections.list(file.getEntries());
        } catch (IOException | RuntimeException e) {
            throw LambdaException.invalidParameter(
                    "Could not unzip uploaded file. Please check your file, then try to upload again.");
        }
        try (file) {
            List<String> unreadable = new ArrayList<>();
            // Links are made after every file and folder, so that no entry is ever written through a link.
            List<ZipArchiveEntry> links = new ArrayList<>();
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            for (ZipArchiveEntry entry : entries) {
                String name = entry.getName();
                Path dest = root.resolve(name).normalize();
                if (name.startsWith("/") || name.contains("\\") || !dest.startsWith(root) || dest.equals(root)) {
                    if (dest.equals(root) && entry.isDirectory()) {
                        continue;
                    }
                    throw LambdaException.invalidParameter("Could not unzip uploaded file: the entry '" + name
                            + "' would be written outside the package.");
                }
                int mode = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? entry.getUnixMode() : 0;
                if ((mode & S_IFMT) == S_IFLNK) {
                    links.add(entry);
                    continue;
                }
                int permissions = mode & 0777;
                if (entry.isDirectory()) {
                    if (permissions != 0 && (permissions & 0005) != 0005) {
                        unreadable.add(name + " (" + Integer.toOctalString(permissions) + ")");
                    }
                    createDirectories(dest, name);
                    continue;
                }
                if (permissions != 0 && (permissions & 0004) == 0) {
                    unreadable.add(name + " (" + Integer.toOctalString(permissions) + ")");
                }
                createDirectories(dest.getParent(), name);
                try (InputStream in = file.getInputStream(entry);
                        OutputStream out = Files.newOutputStream(
                                dest,
                                StandardOpenOption.CREATE_NEW,
                                StandardOpenOption.WRITE,
                                LinkOption.NOFOLLOW_LINKS)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        total += n;
                        if (total > MAX_UNZIPPED) {
                            throw LambdaException.invalidParameter(
                                    "Unzipped size must be smaller than " + MAX_UNZIPPED + " bytes");
                        }
                        out.write(buffer, 0, n);
                    }
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    throw clash(name);
                } catch (IOException e) {
                    throw LambdaException.invalidParameter(
                            "Could not unzip uploaded file. Please check your file, then try to upload again.");
                }
                boolean executable = (permissions & 0100) != 0;
                Files.setPosixFilePermissions(
                        dest, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
            }
            for (ZipArchiveEntry link : links) {
                makeLink(file, link, root);
            }
            if (!unreadable.isEmpty()) {
                throw LambdaException.invalidParameter("The deployment package has files or folders that the function"
                        + " could not read: " + String.join(", ", unreadable) + ". Lambda needs files to be readable by"
                        + " all (mode 644 or wider) and folders to be readable and searchable by all (755): run"
                        + " chmod 644 on the files and chmod 755 on the folders, then zip again.");
            }
            try (Stream<Path> dirs = Files.walk(root)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }

    /** A link of the package: it must stay inside the package, and must not sit inside another link. */
    private static void makeLink(ZipFile file, ZipArchiveEntry entry, Path root) throws IOException {
        String name = entry.getName();
        Path dest = root.resolve(name).normalize();
        String linkTarget;
        try (InputStream in = file.getInputStream(entry)) {
            linkTarget = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
        }
        Path resolved = dest.getParent().resolve(linkTarget).normalize();
        if (linkTarget.startsWith("/") || !resolved.startsWith(root)) {
            throw LambdaException.invalidParameter("Could not unzip uploaded file: the link '" + name
                    + "' points outside the package (to '" + linkTarget + "').");
        }
        createDirectories(dest.getParent(), name);
        if (!dest.getParent().toRealPath().equals(root.toRealPath().resolve(root.relativize(dest.getParent())))) {
            throw LambdaException.invalidParameter(
                    "Could not unzip uploaded file: the link '" + name + "' would be made inside another link.");
        }
        try {
            Files.createSymbolicLink(dest, Path.of(linkTarget));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw clash(name);
        }
    }

    /** Creates folders of the package; an entry that is a file where a folder must be is a clash. */
    private static void createDirectories(Path dir, String entryName) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw clash(entryName);
        }
    }

    private static LambdaException clash(String entryName) {
        return LambdaException.invalidParameter("Could not unzip uploaded file: the entry '" + entryName
                + "' clashes with another entry of the same name.");
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for the operator
                }
            });
        } catch (IOException e) {
            // left for the operator
        }
    }
}
