package dev.lamina.controlplane;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** Builds zip files in memory for the tests. */
final class Zips {

    private Zips() {}

    /** A zip made with java.util.zip (no unix modes), entries in the given order; a name ending in / is a folder. */
    static byte[] plain(Map<String, String> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                if (!e.getKey().endsWith("/")) {
                    zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                }
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] plain(String... nameThenContent) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            entries.put(nameThenContent[i], nameThenContent[i + 1]);
        }
        return plain(entries);
    }

    /** A zip with unix modes (and so symbolic links), made with commons-compress. */
    static Unix unix() {
        return new Unix();
    }

    static final class Unix {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes);

        /** A regular file with permission bits such as 0644. */
        Unix file(String name, int permissions, String content) {
            return entry(name, 0100000 | permissions, content);
        }

        /** A folder (the name gets a trailing slash) with permission bits such as 0755. */
        Unix dir(String name, int permissions) {
            return entry(name.endsWith("/") ? name : name + "/", 040000 | permissions, null);
        }

        /** A symbolic link: the entry's content is the link's target. */
        Unix link(String name, String target) {
            return entry(name, 0120777, target);
        }

        private Unix entry(String name, int mode, String content) {
            try {
                ZipArchiveEntry entry = new ZipArchiveEntry(name);
                entry.setUnixMode(mode);
                zip.putArchiveEntry(entry);
                if (content != null) {
                    zip.write(content.getBytes(StandardCharsets.UTF_8));
                }
                zip.closeArchiveEntry();
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        byte[] build() {
            try {
                zip.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    /**
     * A zip whose entries each inflate to {@code sizes[i]} zero bytes, deflated while streaming, so that a few hundred
     * megabytes of content take a few hundred kilobytes and never sit in memory.
     */
    static byte[] zeros(long... sizes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 20];
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setLevel(java.util.zip.Deflater.BEST_SPEED);
            for (int i = 0; i < sizes.length; i++) {
                zip.putNextEntry(new ZipEntry("zeros-" + i + ".bin"));
                for (long left = sizes[i]; left > 0; left -= chunk.length) {
                    zip.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
