package dev.rotor.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotor.config.ConfigException;
import dev.rotor.config.RotationTargets;
import dev.rotor.config.TargetEntry;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Generator options, target option validation, and small helpers. Never prints a generated value. */
class SecretGeneratorTest {
    private static SecretGenerator generator(
            final Integer length, final String alphabet, final String format, final String prefix) {
        return SecretGenerator.of(new TargetEntry.Generator(length, alphabet, format, prefix), "g");
    }

    /** A file whose one kv2 target has this {@code generator:} block (YAML flow style, so JSON reads too). */
    private static RotationTargets withGenerator(final String block) {
        return RotationTargets.parse("targets:\n  - pattern: \"x/**\"\n    generator: " + block + "\n", "t");
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
        final String min = generator(16, null, null, null).generate();
        assertThat(Shapes.defaultAlphabet(min, 16)).isTrue();
        final String max = generator(128, null, null, null).generate();
        assertThat(Shapes.defaultAlphabet(max, 128)).isTrue();
        final String ab = generator(64, "ab", null, null).generate();
        assertThat(ab.length() == 64 && ab.chars().allMatch(c -> c == 'a' || c == 'b'))
                .isTrue();
        assertThat(Shapes.hex(generator(null, null, "hex", null).generate(), 32))
                .isTrue();
        assertThat(Shapes.hex(generator(64, null, "hex", null).generate(), 64)).isTrue();
        assertThat(Shapes.uuid(generator(null, null, "uuid", null).generate())).isTrue();
        final String p = generator(null, null, "uuid", "tok_").generate();
        assertThat(p.startsWith("tok_") && Shapes.uuid(p.substring(4))).isTrue();
        assertThat(SecretGenerator.of(null, "g").toString())
                .isEqualTo("SecretGenerator[format=alphabet, length=32, alphabet=70 characters]");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"length\": 15}|generator.length: must be from 16 to 128",
                "{\"length\": 129}|generator.length: must be from 16 to 128",
                "{\"length\": \"32\"}|generator.length must be a whole number",
                "{\"length\": 32.5}|generator.length must be a whole number",
                "{\"format\": \"base64\"}|generator.format: must be hex or uuid",
                "{\"format\": \"uuid\", \"length\": 40}|generator.length: cannot be combined with format uuid",
                "{\"format\": \"hex\", \"alphabet\": \"abc\"}|generator.alphabet: cannot be combined",
                "{\"alphabet\": \"aab\"}|generator.alphabet: repeats the character 'a'",
                "{\"alphabet\": \"a\"}|generator.alphabet: needs at least 2 distinct characters",
                "{\"alphabet\": \"ab c\"}|generator.alphabet: must not contain spaces",
                "{\"prefix\": \"has space\"}|generator.prefix: must be at most 64 characters",
                "{\"size\": 32}|generator.size is not an option here (known: alphabet, format, length, prefix)",
                "[1]|generator must be a map"
            })
    void invalidGeneratorOptionsNameTheKey(final String block, final String problem) {
        assertThatThrownBy(() -> VaultRotator.validate(withGenerator(block)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets[0]." + problem);
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
                "strategy: kv2~quarantine: shred|targets[0].quarantine must be delete, destroy or none, got 'shred'",
                "strategy: kv2~fields: []|rotation-targets.yaml targets[0].fields: must name at least one field",
                "strategy: kv2~fields: [1]|(test): targets[0].fields[0] must be a string",
                "strategy: kv2~feilds: [a]|(test): targets[0].feilds is not an option here (known: dependents,",
                "strategy: transit~generator: {length: 20}|targets[0].generator is not an option here",
                "strategy: kv2~dependents: [\"secret/../x\"]|rotation-targets.yaml targets[0].dependents: '",
                "strategy: database-root~name: a/b|rotation-targets.yaml targets[0].name: must be a single path",
                "strategy: kv2~mount: \"\"|rotation-targets.yaml targets[0].mount: must not be empty",
                "strategy: transit~name: 7|targets[0].name must be a string"
            })
    void invalidTargetOptionsAreConfigErrors(final String body, final String problem) {
        assertThatThrownBy(() -> VaultRotator.validate(RotationTargets.parse(
                        "targets:\n  - pattern: \"x/**\"\n    " + body.replace("~", "\n    ") + "\n", "test")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(problem);
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
