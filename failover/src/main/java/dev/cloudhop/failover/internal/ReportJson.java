package dev.cloudhop.failover.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;

/** How the reports write their JSON: one mapper, and durations as milliseconds with one decimal. Not API. */
public final class ReportJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReportJson() {
    }

    /**
     * {@code d} in milliseconds with one decimal, rounded half up; a {@code BigDecimal} so that Jackson writes
     * it as {@code 18000000.0}, never {@code 1.8E7}.
     */
    public static BigDecimal millis(Duration d) {
        return BigDecimal.valueOf(d.toNanos(), 6).setScale(1, RoundingMode.HALF_UP);
    }

    /**
     * A JSON object of {@code fields} in their iteration order.
     *
     * @param fields strings, numbers, booleans, nulls, lists and maps of those, and Jackson {@code RawValue}s
     * @throws IllegalStateException if a value cannot be written (a value of another type)
     */
    public static String write(Map<String, ?> fields) {
        try {
            return MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the report's fields did not serialize", e);
        }
    }
}
