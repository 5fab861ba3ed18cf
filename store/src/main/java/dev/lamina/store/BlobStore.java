package dev.lamina.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deployment packages stored by the hex SHA-256 of their bytes. A blob is written to a temporary file, forced to
 * disk and then renamed into place, so a crash never leaves a partial blob under its final name.
 */
public final class BlobStore {

    private final Path root;

    BlobStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores the bytes (if not already there) and answers their hex SHA-256. */
    public String put(byte[] bytes) {
        String sha = sha256Hex(bytes);
        Path target = path(sha);
        if (Files.exists(target)) {
            return sha;
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), sha, ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return sha;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store blob " + sha, e);
        }
    }

    public Path path(String sha256Hex) {
        return root.resolve(sha256Hex.substring(0, 2)).resolve(sha256Hex + ".zip");
    }

    public byte[] read(String sha256Hex) {
        try {
            return Files.readAllBytes(path(sha256Hex));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
