package dev.cloudhop.provider.onprem;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * {@code length} pseudo-random bytes from a seed (xorshift64*), generated on the fly; optionally pausing for
 * good once {@code pauseAt} bytes were produced (and calling {@code onPause}), so that a test can kill the
 * writer in the middle of an upload.
 */
final class DeterministicStream extends InputStream {

    private final long length;
    private final long pauseAt;
    private final Runnable onPause;
    private long state;
    private long produced;
    private long word;
    private int left;

    DeterministicStream(long seed, long length) {
        this(seed, length, Long.MAX_VALUE, () -> { });
    }

    DeterministicStream(long seed, long length, long pauseAt, Runnable onPause) {
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        this.length = length;
        this.pauseAt = pauseAt;
        this.onPause = Objects.requireNonNull(onPause);
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (produced >= length) {
            return -1;
        }
        if (produced >= pauseAt) {
            onPause.run();
            try {
                Thread.sleep(Long.MAX_VALUE); // until the process is killed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        long limit = Math.min(length, pauseAt > produced ? pauseAt : length);
        int n = (int) Math.min(len, limit - produced);
        for (int i = 0; i < n; i++) {
            if (left == 0) {
                state ^= state >>> 12;
                state ^= state << 25;
                state ^= state >>> 27;
                word = state * 0x2545F4914F6CDD1DL;
                left = 8;
            }
            b[off + i] = (byte) word;
            word >>>= 8;
            left--;
        }
        produced += n;
        return n;
    }

    @Override
    public int read(byte[] b) {
        return read(b, 0, b.length);
    }

    @Override
    public void close() {
        // nothing to release
    }

    /** The SHA-256 of the {@code length} bytes of {@code seed}, hex. */
    static String sha256(long seed, long length) {
        try (DeterministicStream in = new DeterministicStream(seed, length)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
