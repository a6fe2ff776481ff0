package dev.cloudhop.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AzureBlobStoreMetadataTest {

    @Test
    void namesOfLettersAndDigitsAreStoredAsTheyAre() {
        assertThat(AzureBlobStore.encodeKey("owner")).isEqualTo("owner");
        assertThat(AzureBlobStore.encodeKey("n1")).isEqualTo("n1");
    }

    @Test
    void otherNamesBecomeCSharpIdentifiersAndDecodeBack() {
        for (String key : new String[] {"color-name", "1st", "a_b", "x--y", "über"}) {
            String stored = AzureBlobStore.encodeKey(key);
            assertThat(stored).as(key).matches("[A-Za-z_][A-Za-z0-9_]*");
            assertThat(AzureBlobStore.decodeKey(stored)).as(key).isEqualTo(key);
        }
        assertThat(AzureBlobStore.encodeKey("color-name")).isEqualTo("color_2d_name");
    }

    @Test
    void namesWrittenByOtherToolsThatAreNotEscapesStayAsTheyAre() {
        assertThat(AzureBlobStore.decodeKey("created_by")).isEqualTo("created_by");
        assertThat(AzureBlobStore.decodeKey("trailing_")).isEqualTo("trailing_");
    }
}
