package dev.lamina.compat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Deployment packages. Every entry carries a unix mode in its external attributes (as {@code zip}
 * on Linux writes it): 644 for files, 755 for directories and for files named {@code bootstrap}.
 */
public final class Zips {

    public static final int FILE = 0644;
    public static final int EXECUTABLE = 0755;
    public static final int DIRECTORY = 0755;

    private static final FileTime EPOCH_2025 = FileTime.fromMillis(1_735_689_600_000L);

    private Zips() {}

    /** Zips the contents of {@code folder} (paths relative to it, sorted). */
    public static byte[] zip(Path folder) {
        Builder builder = builder();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted().toList()) {
                if (p.equals(folder)) {
                    continue;
                }
                String name = folder.relativize(p).toString().replace('\\', '/');
                if (Files.isDirectory(p)) {
                    builder.directory(name);
                } else {
                    int mode = p.getFileName().toString().equals("bootstrap") ? EXECUTABLE : FILE;
                    builder.file(name, Files.readAllBytes(p), mode);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return builder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Entries in the order added; names are written exactly as given (even hostile ones). */
    public static final class Builder {
        private record Entry(String name, byte[] data, int mode, boolean directory) {}

        private final List<Entry> entries = new ArrayList<>();

        public Builder file(String name, byte[] data, int mode) {
            entries.add(new Entry(name, data, mode, false));
            return this;
        }

        public Builder file(String name, String text, int mode) {
            return file(name, text.getBytes(StandardCharsets.UTF_8), mode);
        }

        public Builder file(String name, String text) {
            return file(name, text, FILE);
        }

        public Builder directory(String name) {
            entries.add(new Entry(name.endsWith("/") ? name : name + "/", new byte[0], DIRECTORY, true));
            return this;
        }

        public byte[] build() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
                for (Entry e : entries) {
                    ZipArchiveEntry entry = new ZipArchiveEntry(e.name());
                    // setUnixMode also marks the entry as made on unix, so the mode is in the high 16 bits
                    // of the external attributes; directory entries keep the DOS directory bit as well.
                    entry.setUnixMode((e.directory() ? 0040000 : 0100000) | e.mode());
                    if (e.directory()) {
                        entry.setExternalAttributes(entry.getExternalAttributes() | 0x10);
                    }
                    entry.setLastModifiedTime(EPOCH_2025);
                    zip.putArchiveEntry(entry);
                    zip.write(e.data());
                    zip.closeArchiveEntry();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }
}
