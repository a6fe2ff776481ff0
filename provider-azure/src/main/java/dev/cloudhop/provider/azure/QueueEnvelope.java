package dev.cloudhop.provider.azure;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a Cloudhop message (binary body plus string attributes) travels as Azure queue message text.
 *
 * <p>Azure messages are XML text of at most 64 KiB and have no attributes, so Cloudhop sends
 * {@code base64(envelope)} where the envelope is: the magic byte {@code 0xC1}, the attribute count, then
 * per attribute the UTF-8 key and value each prefixed by its length (unsigned LEB128), then the raw body.
 * Base64 keeps every byte value intact and is what Azure tooling (Storage Explorer, the SDKs' BASE64
 * encoding) expects. Text that is not such an envelope (a message another producer sent) is delivered as
 * its UTF-8 bytes with no attributes.
 */
final class QueueEnvelope {

    /** Azure's limit on the message text. */
    static final int MAX_TEXT_CHARS = 64 * 1024;
    /** Bytes an envelope may hold so that its base64 text fits {@link #MAX_TEXT_CHARS}: 48 KiB. */
    static final int MAX_ENVELOPE_BYTES = MAX_TEXT_CHARS / 4 * 3;
    /** Bytes reserved for the envelope's framing (magic, counts and lengths). */
    static final int FRAMING_RESERVE = 64;
    /** The largest body plus attributes Cloudhop accepts: 48 KiB minus the framing reserve. */
    static final int MAX_PAYLOAD_BYTES = MAX_ENVELOPE_BYTES - FRAMING_RESERVE;

    private static final int MAGIC = 0xC1;

    /** A decoded message. */
    record Decoded(byte[] body, Map<String, String> attributes) {
    }

    private QueueEnvelope() {
    }

    /** The envelope bytes of a body and its attributes (attributes in key order, for stable output). */
    static byte[] envelope(byte[] body, Map<String, String> attributes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
        out.write(MAGIC);
        writeLength(out, attributes.size());
        for (Map.Entry<String, String> e : new TreeMap<>(attributes).entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** The message text of an envelope. */
    static String text(byte[] envelope) {
        return Base64.getEncoder().encodeToString(envelope);
    }

    /** Decodes message text: a Cloudhop envelope, or any other text as its UTF-8 bytes. */
    static Decoded decode(String text) {
        if (text == null) {
            return new Decoded(new byte[0], Map.of());
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException notBase64) {
            return new Decoded(text.getBytes(StandardCharsets.UTF_8), Map.of());
        }
        if (raw.length == 0 || (raw[0] & 0xff) != MAGIC) {
            return new Decoded(text.getBytes(StandardCharsets.UTF_8), Map.of());
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(raw, 1, raw.length - 1);
            int count = readLength(in);
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                attributes.put(readString(in), readString(in));
            }
            byte[] body = new byte[in.remaining()];
            in.get(body);
            return new Decoded(body, attributes);
        } catch (RuntimeException malformed) {
            return new Decoded(text.getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeLength(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void writeLength(ByteArrayOutputStream out, int value) {
        int v = value;
        while ((v & ~0x7f) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static String readString(ByteBuffer in) {
        int length = readLength(in);
        if (length > in.remaining()) {
            throw new IllegalArgumentException("truncated envelope");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int readLength(ByteBuffer in) {
        int value = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            int b = in.get() & 0xff;
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (value < 0) {
                    throw new IllegalArgumentException("bad length");
                }
                return value;
            }
        }
        throw new IllegalArgumentException("bad length");
    }
}
