package dev.cloudhop.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.vavr.collection.Seq;
import io.vavr.control.Validation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

    enum Colour { DARK_RED, BLUE }

    private final ConfigReader reader = ConfigReader.of(ConfigFactory.parseString("""
            colour = dark-red, wrong = green, timeout = soon, count = 3, section { nested = 5 s }
            """), "r.conf", "top.");

    @Test
    void enumsAreSpelledInLowerCaseWithDashesAndAWrongOneListsTheAllowedValues() {
        assertThat(reader.enumValue("colour", Colour.class, Colour.BLUE).get()).isEqualTo(Colour.DARK_RED);
        assertThat(reader.enumValue("unset", Colour.class, Colour.BLUE).get()).isEqualTo(Colour.BLUE);
        assertThat(reader.enumValue("wrong", Colour.class, Colour.BLUE).getError())
                .extracting(ConfigProblem::toString)
                .containsExactly("r.conf: top.wrong: must be one of [dark-red, blue], was 'green'");
    }

    @Test
    void combinedReadsReportEveryProblemWithFileAndFullKey() {
        Validation<Seq<ConfigProblem>, String> combined = ConfigProblem.flatten(Validation.combine(
                        reader.duration("timeout", Duration.ZERO),
                        reader.integer("count", 0).flatMap(n -> reader.check(n > 5, n, "count", "must be more than 5, was " + n)),
                        reader.section("section").duration("nested", Duration.ZERO),
                        reader.requiredString("name", "what to call it"))
                .ap((t, n, d, s) -> s));
        assertThat(combined.getError()).extracting(ConfigProblem::toString).containsExactly(
                "r.conf: top.timeout: must be a duration such as 500 ms or 2 s",
                "r.conf: top.count: must be more than 5, was 3",
                "r.conf: top.name: missing; what to call it");
    }

    @Test
    void secretsResolveReferencesAndNeverShowTheValue() {
        ConfigReader secrets = ConfigReader.of(ConfigFactory.parseMap(Map.of("a", "env:A", "b", "env:B", "c", "plain-value")),
                "s.conf", "");
        assertThat(secrets.secret("a", Map.of("A", "x")).get()).hasValueSatisfying(s -> assertThat(s.reveal()).isEqualTo("x"));
        assertThat(secrets.secret("b", Map.of()).getError()).extracting(ConfigProblem::message)
                .containsExactly("environment variable B is not set");
        assertThat(secrets.secret("c", Map.of()).getError().toString()).doesNotContain("plain-value");
        assertThat(secrets.secret("unset", Map.of()).get()).isEmpty();
    }

    @Test
    void unknownKeysAreListedWithTheKnownOnes() {
        assertThat(reader.onlyKeys(List.of("colour", "count")).getError()).extracting(ConfigProblem::key)
                .containsExactly("top.section", "top.timeout", "top.wrong");
    }
}
