package dev.rotor.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.config.ConfigException;
import dev.rotor.config.RotationTargets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Generator options, target option validation, and small helpers. Never prints a generated value. */
class SecretGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(final String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void defaultsAreThirtyTwoCharactersOfTheSeedsSeventyCharacterAlphabet() {
        assertThat(SecretGenerator.DEFAULT_ALPHABET).hasSize(70);
        final SecretGenerator g = SecretGenerator.defaults();
        final Set<String> seen = new HashSet<>();
        final Set<Integer> chars = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            final String v = g.generate();
            assertThat(Shapes.defaultAlphabet(v, 32)).as("default shape").isTrue();
            seen.add(v);
            v.chars().forEach(chars::add);
        }
        assertThat(seen).as("all distinct").hasSize(2000);
        assertThat(chars).as("every alphabet character is used").hasSize(70);
    }

    @Test
    void lengthAlphabetHexUuidAndPrefix() throws Exception {
        final String min =
                SecretGenerator.fromOptions(json("{\"length\": 16}"), "g").generate();
        assertThat(Shapes.defaultAlphabet(min, 16)).isTrue();
        final String max =
                SecretGenerator.fromOptions(json("{\"length\": 128}"), "g").generate();
        assertThat(Shapes.defaultAlphabet(max, 128)).isTrue();
        final String ab = SecretGenerator.fromOptions(json("{\"alphabet\": \"ab\", \"length\": 64}"), "g")
                .generate();
        assertThat(ab.length() == 64 && ab.chars().allMatch(c -> c == 'a' || c == 'b'))
                .isTrue();
        assertThat(Shapes.hex(
                        SecretGenerator.fromOptions(json("{\"format\": \"hex\"}"), "g")
                                .generate(),
                        32))
                .isTrue();
        assertThat(Shapes.hex(
                        SecretGenerator.fromOptions(json("{\"format\": \"hex\", \"length\": 64}"), "g")
                                .generate(),
                        64))
                .isTrue();
        assertThat(Shapes.uuid(SecretGenerator.fromOptions(json("{\"format\": \"uuid\"}"), "g")
                        .generate()))
                .isTrue();
        final String p = SecretGenerator.fromOptions(json("{\"format\": \"uuid\", \"prefix\": \"tok_\"}"), "g")
                .generate();
        assertThat(p.startsWith("tok_") && Shapes.uuid(p.substring(4))).isTrue();
        assertThat(SecretGenerator.fromOptions(null, "g").toString())
                .isEqualTo("SecretGenerator[format=alphabet, length=32, alphabet=70 characters]");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"length\": 15}|g.length",
                "{\"length\": 129}|g.length",
                "{\"length\": \"32\"}|g.length",
                "{\"length\": 32.5}|g.length",
                "{\"format\": \"base64\"}|g.format",
                "{\"format\": \"uuid\", \"length\": 40}|g.length",
                "{\"format\": \"hex\", \"alphabet\": \"abc\"}|g.alphabet",
                "{\"alphabet\": \"aab\"}|g.alphabet",
                "{\"alphabet\": \"a\"}|g.alphabet",
                "{\"alphabet\": \"ab c\"}|g.alphabet",
                "{\"prefix\": \"has space\"}|g.prefix",
                "{\"size\": 32}|g.size",
                "[1]|g"
            })
    void invalidGeneratorOptionsNameTheKey(final String options, final String key) throws Exception {
        assertThatThrownBy(() -> SecretGenerator.fromOptions(json(options), "g"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.key()).isEqualTo(key));
    }

    @Test
    void validateNamesTheTargetAndTheOption() {
        final RotationTargets targets = RotationTargets.parse("""
                targets:
                  - pattern: "secret/a/*"
                  - pattern: "transit/keys/*"
                    strategy: transit
                  - pattern: "secret/**"
                    strategy: kv2
                    generator: {length: 8}
                """, "test");
        assertThatThrownBy(() -> VaultRotator.validate(targets))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("rotation-targets.yaml targets[2].generator.length: must be from 16 to 128");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "strategy: kv2~quarantine: shred|rotation-targets.yaml targets[0].quarantine",
                "strategy: kv2~fields: []|rotation-targets.yaml targets[0].fields",
                "strategy: kv2~fields: [1]|rotation-targets.yaml targets[0].fields",
                "strategy: kv2~feilds: [a]|rotation-targets.yaml targets[0].feilds",
                "strategy: transit~generator: {length: 20}|rotation-targets.yaml targets[0].generator",
                "strategy: kv2~dependents: [\"secret/../x\"]|rotation-targets.yaml targets[0].dependents",
                "strategy: database-root~name: a/b|rotation-targets.yaml targets[0].name",
                "strategy: kv2~mount: \"\"|rotation-targets.yaml targets[0].mount"
            })
    void invalidTargetOptionsAreConfigErrors(final String body, final String key) {
        final RotationTargets targets = RotationTargets.parse(
                "targets:\n  - pattern: \"x/**\"\n    " + body.replace("~", "\n    ") + "\n", "test");
        assertThatThrownBy(() -> VaultRotator.validate(targets))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.key()).isEqualTo(key));
    }

    @Test
    void validOptionsOfEveryStrategyPass() {
        VaultRotator.validate(RotationTargets.parse("""
                targets:
                  - pattern: "kv/team/**"
                    strategy: kv2
                    mount: kv/team
                    fields: [password]
                    quarantine: destroy
                    generator: {format: hex, length: 48, prefix: "x_"}
                    dependents: ["database/static-roles/app"]
                    description: "team secrets"
                  - pattern: "database/static-roles/*"
                    strategy: database-static-role
                  - pattern: "database/config/*"
                    strategy: database-root
                    name: pg
                  - pattern: "transit/keys/*"
                    strategy: transit
                  - pattern: "database/creds/**"
                    strategy: lease-revoke-prefix
                    prefix: database/creds/app
                  - pattern: "aws/**"
                    strategy: aws-root
                    mount: aws
                """, "test"));
        VaultRotator.validate(RotationTargets.defaults());
    }

    @Test
    void humanDurations() {
        assertThat(RotationRun.human(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(RotationRun.human(Duration.ofMillis(300_400))).isEqualTo("5m");
        assertThat(RotationRun.human(Duration.ofSeconds(150))).isEqualTo("2m30s");
        assertThat(RotationRun.human(Duration.ofMillis(1520))).isEqualTo("1.5s");
        assertThat(RotationRun.human(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(RotationRun.human(Duration.ofMillis(800))).isEqualTo("800ms");
    }

    @Test
    void customMetadataValuesAreMadeAcceptableToVault() {
        assertThat(Kv2Strategy.metadataValue("a\nb\tc", "x")).isEqualTo("a b c");
        assertThat(Kv2Strategy.metadataValue("  ", "fallback")).isEqualTo("fallback");
        assertThat(Kv2Strategy.metadataValue(null, "fallback")).isEqualTo("fallback");
        assertThat(Kv2Strategy.metadataValue("r".repeat(600), "x")).hasSize(512);
    }
}
