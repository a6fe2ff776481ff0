package dev.cloudhop.jclouds;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a stream through, failing with {@link LengthMismatchException} if it ends before, or continues
 * past, the declared length, so that a truncated upload is never stored as a shorter blob.
 */
final class ExactLengthInputStream extends FilterInputStream {

    private final long declared;
    private final String what;
    private long seen;

    ExactLengthInputStream(InputStream in, long declared, String what) {
        super(in);
        this.declared = declared;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        if (seen == declared) {
            checkNoMore();
            return -1;
        }
        int b = super.read();
        if (b < 0) {
            throw shortBy();
        }
        seen++;
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (seen == declared) {
            checkNoMore();
            return -1;
        }
        int n = super.read(buf, off, (int) Math.min(len, declared - seen));
        if (n < 0) {
            throw shortBy();
        }
        seen += n;
        return n;
    }

    private void checkNoMore() throws IOException {
        if (super.read() >= 0) {
            throw new LengthMismatchException("content of " + what + " is longer than its declared length of "
                    + declared + " bytes; nothing was stored");
        }
    }

    private LengthMismatchException shortBy() {
        return new LengthMismatchException("content of " + what + " ended after " + seen + " of its declared "
                + declared + " bytes; nothing was stored");
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, declared - seen));
        seen += skipped;
        return skipped;
    }

    /**
     * The declared remaining length: jclouds' multipart slicer skips to each part's offset and treats a
     * stream reporting 0 available bytes (any network stream) as exhausted.
     */
    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, declared - seen);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
