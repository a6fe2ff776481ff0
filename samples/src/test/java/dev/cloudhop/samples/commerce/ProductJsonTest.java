package dev.cloudhop.samples.commerce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How a product is stored in the catalog: JSON that any parser reads, and that reads back to the same product. */
class ProductJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"Trail shoes", "12\" \"ruler\"", "back\\slash \\u0041", "two\nlines\r\tand \u0007 bell",
            "Zürich — 東京 \uD83D\uDE80", "{\"id\":\"x\"}", ""})
    void roundTripsAnyName(String name) throws Exception {
        Product product = new Product("p-" + name.length(), name, 8900);

        String json = product.toJson();

        assertThat(Product.fromJson(json)).isEqualTo(product);
        JsonNode tree = JSON.readTree(json);
        assertThat(tree.get("id").asText()).isEqualTo(product.id());
        assertThat(tree.get("name").asText()).isEqualTo(name);
        assertThat(tree.get("priceCents").asLong()).isEqualTo(8900);
    }

    @Test
    void writesTheFieldsThePageReads() throws Exception {
        assertThat(JSON.readTree(new Product("p1", "Trail shoes", 8900).toJson()).fieldNames()).toIterable()
                .containsExactly("id", "name", "priceCents");
    }

    @Test
    void ignoresFieldsItDoesNotKnowInAnyOrderAndSpacing() {
        assertThat(Product.fromJson(" { \"priceCents\" : 3400, \"color\": \"red\",\n \"name\": \"Headlamp\", \"id\": \"p3\" } "))
                .isEqualTo(new Product("p3", "Headlamp", 3400));
    }

    @Test
    void refusesWhatIsNotAProduct() {
        assertThatThrownBy(() -> Product.fromJson("{\"id\":\"p1\",\"name\":\"no price\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("priceCents");
        assertThatThrownBy(() -> Product.fromJson("{\"id\":\"p1\",\"name\":null,\"priceCents\":1}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Product.fromJson("not json")).isInstanceOf(IllegalArgumentException.class);
    }
}
