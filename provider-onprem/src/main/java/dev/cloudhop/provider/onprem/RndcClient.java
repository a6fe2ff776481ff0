package dev.cloudhop.provider.onprem;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A client of BIND's control channel (the protocol {@code rndc} speaks): one TCP connection per command, a
 * nonce handshake, and every message signed with the channel's HMAC key, responses verified.
 *
 * <p>The wire format is ISC's "command channel" encoding: a length, version 1, then a table of key/value
 * pairs whose first entry {@code _auth} holds the HMAC of the rest; values are binary strings (type 1) or
 * nested tables (type 2). Only what {@code addzone}, {@code delzone} and {@code status} need is implemented.
 * Thread-safe: calls share no state.
 */
final class RndcClient {

    private static final int VERSION = 1;
    private static final int TYPE_BINARY = 1;
    private static final int TYPE_TABLE = 2;
    private static final int TYPE_LIST = 3;
    private static final int MAX_MESSAGE = 4 << 20;

    /** A command the server answered with a non-zero result. */
    static final class CommandException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String result;

        CommandException(String command, String result, String error) {
            super("rndc " + command + " failed: " + (error.isEmpty() ? "result " + result : error));
            this.result = result;
        }

        /** BIND's result code (an isc_result_t number as text). */
        String result() {
            return result;
        }
    }

    private final InetSocketAddress server;
    private final String algorithm;
    private final byte[] secret;
    private final Duration timeout;

    /**
     * @param algorithm one of {@code hmac-md5}, {@code hmac-sha1} ... {@code hmac-sha512}
     * @param secret    the key, base64 as in {@code rndc.key}
     */
    RndcClient(InetSocketAddress server, String algorithm, String secret, Duration timeout) {
        this.server = Objects.requireNonNull(server, "server");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.secret = Base64.getDecoder().decode(secret.trim());
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        algorithmCode(algorithm); // validates
    }

    /**
     * Runs one command, e.g. {@code "status"} or {@code "addzone example.com { type primary; file \"x\"; };"}.
     *
     * @return the server's text output (may be empty)
     * @throws CommandException when the server ran it and reported a failure
     * @throws IOException      when the server cannot be reached, times out, or its answer is not authentic
     */
    String call(String command) throws IOException, CommandException {
        try (Socket socket = new Socket()) {
            int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            InetSocketAddress address = server.isUnresolved()
                    ? new InetSocketAddress(server.getHostString(), server.getPort()) : server;
            if (address.isUnresolved()) {
                throw new java.net.UnknownHostException("cannot resolve " + server.getHostString());
            }
            socket.connect(address, millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            long serial = ThreadLocalRandom.current().nextLong(1L, 1L << 31);

            Map<String, Object> hello = message(serial, null, "null");
            out.write(encode(hello));
            out.flush();
            Map<String, Object> helloReply = decode(read(in));
            String nonce = stringAt(helloReply, "_ctrl", "_nonce");
            if (nonce.isEmpty()) {
                throw new IOException("the control channel at " + server + " sent no nonce");
            }

            out.write(encode(message(serial + 1, nonce, command)));
            out.flush();
            Map<String, Object> reply = decode(read(in));
            String result = stringAt(reply, "_data", "result");
            String text = stringAt(reply, "_data", "text");
            String error = stringAt(reply, "_data", "err");
            if (!result.isEmpty() && !"0".equals(result)) {
                throw new CommandException(command.split(" ", 2)[0], result, error.isEmpty() ? text : error);
            }
            return text;
        }
    }

    private static Map<String, Object> message(long serial, String nonce, String command) {
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> ctrl = new LinkedHashMap<>();
        ctrl.put("_ser", Long.toString(serial));
        ctrl.put("_tim", Long.toString(now));
        ctrl.put("_exp", Long.toString(now + 60));
        if (nonce != null) {
            ctrl.put("_nonce", nonce);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", command);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("_ctrl", ctrl);
        message.put("_data", data);
        return message;
    }

    // ------------------------------------------------------------------------------------------------
    // encoding

    /** length, version, {@code _auth} (HMAC over what follows), then the message's entries. */
    byte[] encode(Map<String, Object> message) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeEntries(body, message);
        byte[] signed = body.toByteArray();
        ByteArrayOutputStream auth = new ByteArrayOutputStream();
        Map<String, Object> authTable = new LinkedHashMap<>();
        authTable.put(authKey(), signature(signed));
        Map<String, Object> authEntry = new LinkedHashMap<>();
        authEntry.put("_auth", authTable);
        writeEntries(auth, authEntry);
        byte[] authBytes = auth.toByteArray();
        ByteBuffer buffer = ByteBuffer.allocate(8 + authBytes.length + signed.length);
        buffer.putInt(4 + authBytes.length + signed.length);
        buffer.putInt(VERSION);
        buffer.put(authBytes);
        buffer.put(signed);
        return buffer.array();
    }

    private static void writeEntries(ByteArrayOutputStream out, Map<String, Object> table) throws IOException {
        for (Map.Entry<String, Object> e : table.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.US_ASCII);
            out.write(key.length);
            out.write(key);
            writeValue(out, e.getValue());
        }
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(ByteArrayOutputStream out, Object value) throws IOException {
        byte[] data;
        int type;
        if (value instanceof Map<?, ?> map) {
            ByteArrayOutputStream nested = new ByteArrayOutputStream();
            writeEntries(nested, (Map<String, Object>) map);
            data = nested.toByteArray();
            type = TYPE_TABLE;
        } else if (value instanceof byte[] bytes) {
            data = bytes;
            type = TYPE_BINARY;
        } else {
            data = String.valueOf(value).getBytes(StandardCharsets.UTF_8);
            type = TYPE_BINARY;
        }
        out.write(type);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(data);
    }

    private String authKey() {
        return "hmac-md5".equals(algorithm) ? "hmd5" : "hsha";
    }

    /** MD5: unpadded base64. SHA: the algorithm's code, then the base64 digest, NUL-padded to 89 bytes. */
    private byte[] signature(byte[] data) {
        byte[] digest = hmac(data);
        String base64 = Base64.getEncoder().encodeToString(digest);
        if ("hmac-md5".equals(algorithm)) {
            return base64.replaceAll("=+$", "").getBytes(StandardCharsets.US_ASCII);
        }
        byte[] value = new byte[89];
        value[0] = (byte) algorithmCode(algorithm);
        byte[] text = base64.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, value, 1, text.length);
        return value;
    }

    private byte[] hmac(byte[] data) {
        String javaName = switch (algorithm) {
            case "hmac-md5" -> "HmacMD5";
            case "hmac-sha1" -> "HmacSHA1";
            case "hmac-sha224" -> "HmacSHA224";
            case "hmac-sha256" -> "HmacSHA256";
            case "hmac-sha384" -> "HmacSHA384";
            case "hmac-sha512" -> "HmacSHA512";
            default -> throw new IllegalArgumentException("unknown control channel algorithm " + algorithm);
        };
        try {
            Mac mac = Mac.getInstance(javaName);
            mac.init(new SecretKeySpec(secret, javaName));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC " + javaName + " unavailable", e);
        }
    }

    private static int algorithmCode(String algorithm) {
        return switch (algorithm) {
            case "hmac-md5" -> 157;
            case "hmac-sha1" -> 161;
            case "hmac-sha224" -> 162;
            case "hmac-sha256" -> 163;
            case "hmac-sha384" -> 164;
            case "hmac-sha512" -> 165;
            default -> throw new IllegalArgumentException("unknown control channel algorithm '" + algorithm
                    + "'; use hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384 or hmac-sha512");
        };
    }

    // ------------------------------------------------------------------------------------------------
    // decoding

    private static byte[] read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int length = data.readInt();
        if (length < 4 || length > MAX_MESSAGE) {
            throw new IOException("control channel message of " + length + " bytes");
        }
        byte[] message = new byte[length];
        data.readFully(message);
        return message;
    }

    /** Parses version and table; verifies the HMAC of everything after the {@code _auth} entry. */
    Map<String, Object> decode(byte[] message) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(message);
        int version = buffer.getInt();
        if (version != VERSION) {
            throw new IOException("control channel protocol version " + version + " is not supported");
        }
        int authStart = buffer.position();
        Map<String, Object> table = new LinkedHashMap<>();
        String firstKey = readKey(buffer);
        Object firstValue = readValue(buffer);
        table.put(firstKey, firstValue);
        int signedStart = buffer.position();
        while (buffer.hasRemaining()) {
            table.put(readKey(buffer), readValue(buffer));
        }
        if (!"_auth".equals(firstKey) || !(firstValue instanceof Map<?, ?> auth) || !auth.containsKey(authKey())) {
            throw new IOException("the control channel answer is not signed (" + (authStart == signedStart ? "" : firstKey)
                    + "); is the key right?");
        }
        byte[] signed = new byte[message.length - signedStart];
        System.arraycopy(message, signedStart, signed, 0, signed.length);
        byte[] expected = signature(signed);
        byte[] actual = (byte[]) auth.get(authKey());
        if (!MessageDigest.isEqual(trimNul(expected), trimNul(actual))) {
            throw new IOException("the control channel answer's signature does not verify; is the key right?");
        }
        return table;
    }

    private static byte[] trimNul(byte[] b) {
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--;
        }
        return java.util.Arrays.copyOf(b, n);
    }

    private static String readKey(ByteBuffer buffer) {
        int length = buffer.get() & 0xff;
        byte[] key = new byte[length];
        buffer.get(key);
        return new String(key, StandardCharsets.US_ASCII);
    }

    private static Object readValue(ByteBuffer buffer) throws IOException {
        int type = buffer.get() & 0xff;
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new IOException("malformed control channel message");
        }
        ByteBuffer slice = buffer.slice();
        slice.limit(length);
        buffer.position(buffer.position() + length);
        switch (type) {
            case 0, TYPE_BINARY -> {
                byte[] data = new byte[length];
                slice.get(data);
                return data;
            }
            case TYPE_TABLE -> {
                Map<String, Object> table = new LinkedHashMap<>();
                while (slice.hasRemaining()) {
                    table.put(readKey(slice), readValue(slice));
                }
                return table;
            }
            case TYPE_LIST -> {
                java.util.List<Object> list = new java.util.ArrayList<>();
                while (slice.hasRemaining()) {
                    list.add(readValue(slice));
                }
                return list;
            }
            default -> throw new IOException("unknown control channel value type " + type);
        }
    }

    private static String stringAt(Map<String, Object> message, String section, String key) {
        if (message.get(section) instanceof Map<?, ?> table && table.get(key) instanceof byte[] bytes) {
            return new String(trimNul(bytes), StandardCharsets.UTF_8);
        }
        return "";
    }

    @Override
    public String toString() {
        return "RndcClient[" + server + ", " + algorithm + "]";
    }
}
