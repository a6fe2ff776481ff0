package dev.cloudhop.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.blob.BlobEntry;
import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/** Test data and assertions of the blob contract groups that need no site. */
final class BlobContractSupport {

    /** How far a server's clock may be from ours for lastModified checks. */
    private static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(5);

    private BlobContractSupport() {
    }

    /**
     * Asserts that the message names the offending name. A name with control characters may be shown
     * escaped, so then every printable run of it must appear instead.
     */
    static void assertMessageNames(String message, String name) {
        if (name.chars().noneMatch(Character::isISOControl)) {
            assertThat(message).as("message names the offending name").contains(name);
        } else {
            for (String piece : name.split("\\p{Cntrl}+")) {
                if (!piece.isEmpty()) {
                    assertThat(message).as("message names the offending name '%s'", printable(name)).contains(piece);
                }
            }
        }
    }

    /** The name with control characters escaped and long names shortened, for assertion messages. */
    static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.length() > 80 ? sb.substring(0, 40) + "..." + sb.substring(sb.length() - 20)
                + " (" + name.length() + " chars)" : sb.toString();
    }

    static void assertInfo(BlobInfo info, BlobId id, byte[] content, Instant before) {
        assertThat(info.id()).isEqualTo(id);
        assertThat(info.size()).as("size").isEqualTo(content.length);
        assertThat(info.etag()).as("ETag").isNotBlank();
        info.contentMd5().ifPresent(md5 -> assertThat(md5).as("contentMd5").isEqualTo(md5Hex(content)));
        assertCloseToNow(info.lastModified(), before);
    }

    static void assertCloseToNow(Instant lastModified, Instant reference) {
        assertThat(lastModified).as("lastModified")
                .isBetween(reference.minus(CLOCK_TOLERANCE), Instant.now().plus(CLOCK_TOLERANCE));
    }

    static List<String> names(List<BlobEntry> entries) {
        return entries.stream().map(BlobEntry::name).collect(Collectors.toList());
    }

    /** {@code "prefix docs/"} or {@code "item root.txt"}: entries as comparable strings. */
    static List<String> describe(List<BlobEntry> entries) {
        return entries.stream()
                .map(e -> (e instanceof BlobEntry.CommonPrefix ? "prefix " : "item ") + e.name())
                .collect(Collectors.toList());
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] randomBytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String md5Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
