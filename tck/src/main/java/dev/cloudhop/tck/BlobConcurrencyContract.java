package dev.cloudhop.tck;

import static dev.cloudhop.tck.BlobContractSupport.names;
import static dev.cloudhop.tck.BlobContractSupport.randomBytes;
import static dev.cloudhop.tck.Concurrently.THREADS;
import static dev.cloudhop.tck.Concurrently.race;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cloudhop.api.blob.BlobId;
import dev.cloudhop.api.blob.BlobInfo;
import dev.cloudhop.tck.Concurrently.Outcome;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Concurrent writers: distinct blobs all land intact, and racing overwrites of one blob never tear.
 */
interface BlobConcurrencyContract extends BlobContractGroup {

    @Test
    @DisplayName("8 threads writing 20 distinct blobs each: all 160 are present with the right content")
    default void concurrentWritersOfDistinctBlobs() {
        int perThread = 20;

        List<Outcome<Void>> outcomes = race(THREADS, t -> () -> {
            for (int j = 0; j < perThread; j++) {
                store().put(BlobId.of(container(), "w" + t + "/blob-" + j), expectedContent(t, j));
            }
            return null;
        });

        outcomes.forEach(o -> assertThat(o.error()).isNull());
        List<String> listed = names(store().list(container()).collect(Collectors.toList()));
        assertThat(listed).hasSize(THREADS * perThread).doesNotHaveDuplicates();
        for (int t = 0; t < THREADS; t++) {
            for (int j = 0; j < perThread; j++) {
                assertThat(readBytes(BlobId.of(container(), "w" + t + "/blob-" + j)))
                        .as("w%d/blob-%d", t, j).isEqualTo(expectedContent(t, j));
            }
        }
    }

    @Test
    @DisplayName("8 threads overwriting one blob: the result is exactly one writer's content, never a mix")
    default void concurrentOverwritesAreAtomic() {
        BlobId id = BlobId.of(container(), "contended.bin");
        int size = 128 * 1024;
        Set<String> etags = java.util.concurrent.ConcurrentHashMap.newKeySet();

        List<Outcome<Void>> outcomes = race(THREADS, t -> () -> {
            byte[] content = new byte[size];
            Arrays.fill(content, (byte) (t + 1));
            for (int round = 0; round < 3; round++) {
                etags.add(store().put(id, content).etag());
            }
            return null;
        });

        outcomes.forEach(o -> assertThat(o.error()).isNull());
        byte[] result = readBytes(id);
        assertThat(result).hasSize(size);
        byte first = result[0];
        assertThat((int) first).isBetween(1, THREADS);
        for (int i = 0; i < result.length; i++) {
            if (result[i] != first) {
                fail("torn write: byte %d is %d but byte 0 is %d", i, result[i], first);
            }
        }
        BlobInfo stat = store().stat(id).orElseThrow();
        assertThat(stat.size()).isEqualTo(size);
        assertThat(etags).contains(stat.etag());
    }

    private static byte[] expectedContent(int thread, int index) {
        return randomBytes(1000L * thread + index, 100 + 37 * index + thread);
    }
}
