package dev.cloudhop.samples.commerce;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.Objects;

/**
 * A catalog entry (reference data: published to every site).
 *
 * @param id         product id
 * @param name       display name
 * @param priceCents price in cents
 */
public record Product(String id, String name, long priceCents) {

    private static final TypeReference<Product> TYPE = new TypeReference<>() {
    };

    /** Requires an id and a name. */
    public Product {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }

    /** {@code {"id":..., "name":..., "priceCents":...}}. */
    String toJson() {
        return ShopJson.write(this);
    }

    /**
     * Reads what {@link #toJson()} wrote; other fields are ignored.
     *
     * @throws IllegalArgumentException if {@code json} is not a product
     */
    static Product fromJson(String json) {
        return ShopJson.read(json, TYPE);
    }
}
