package dev.cloudhop.failover.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content hash Cloudhop compares across providers (whose ETags are not comparable): the lower-case hex SHA-256 of
 * a blob's bytes, computed while streaming them.
 */
public final class ContentHash {

    private ContentHash() {
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Reads {@code in} to its end (and closes it) and returns the hex SHA-256 of what it read. */
    public static String sha256(InputStream in) {
        MessageDigest d = sha256();
        byte[] buf = new byte[64 * 1024];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                d.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
