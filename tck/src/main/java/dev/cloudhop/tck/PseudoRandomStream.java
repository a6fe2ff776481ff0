package dev.cloudhop.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A deterministic pseudo-random stream of a given length (xorshift64*), computing the SHA-256 of what it
 * produces, so a large blob never exists in memory.
 */
final class PseudoRandomStream extends InputStream {
    private final long length;
    private final MessageDigest digest = sha256();
    private long state;
    private long produced;
    private long word;
    private int bytesLeftInWord;

    PseudoRandomStream(long seed, long length) {
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        this.length = length;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (produced >= length) {
            return -1;
        }
        int n = (int) Math.min(len, length - produced);
        for (int i = 0; i < n; i++) {
            if (bytesLeftInWord == 0) {
                state ^= state >>> 12;
                state ^= state << 25;
                state ^= state >>> 27;
                word = state * 0x2545F4914F6CDD1DL;
                bytesLeftInWord = 8;
            }
            b[off + i] = (byte) word;
            word >>>= 8;
            bytesLeftInWord--;
        }
        digest.update(b, off, n);
        produced += n;
        return n;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, length - produced);
    }

    /** How many bytes were read so far. */
    long produced() {
        return produced;
    }

    /** A fresh SHA-256 digest. */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of every byte produced so far. */
    byte[] digest() {
        try {
            return ((MessageDigest) digest.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new UncheckedIOException(new IOException("SHA-256 digest not cloneable", e));
        }
    }
}
