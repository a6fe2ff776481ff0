package dev.cloudhop.samples.commerce;

/**
 * A catalog entry (reference data: published to every site).
 *
 * @param id         product id
 * @param name       display name
 * @param priceCents price in cents
 */
public record Product(String id, String name, long priceCents) {

    String toJson() {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name.replace("\"", "'") + "\",\"priceCents\":" + priceCents + "}";
    }

    static Product fromJson(String json) {
        String id = field(json, "id");
        String name = field(json, "name");
        long price = Long.parseLong(json.replaceAll(".*\"priceCents\":(\\d+).*", "$1"));
        return new Product(id, name, price);
    }

    private static String field(String json, String name) {
        return json.replaceAll(".*\"" + name + "\":\"([^\"]*)\".*", "$1");
    }
}
