package dev.lamina.engine.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable identifiers derived from a runtime identifier, for the INIT_START line's runtime version ARN. */
public final class RuntimeIds {

    private RuntimeIds() {}

    /** 64 hex characters, the same for the same runtime identifier. */
    public static String hash(String runtimeId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("lamina:" + runtimeId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
