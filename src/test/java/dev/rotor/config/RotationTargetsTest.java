package dev.rotor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RotationTargetsTest {
    @Test
    void firstMatchingTargetWinsAndGlobsRespectSegments() {
        final RotationTargets t = RotationTargets.parse("""
                targets:
                  - pattern: "secret/prod/db-*"
                    strategy: kv2
                    fields: [password]
                  - pattern: "transit/keys/?ey"
                    strategy: transit
                  - pattern: "secret/**"
                    strategy: kv2
                """, "test");
        assertThat(t.match("secret/prod/db-main")).get().satisfies(x -> {
            assertThat(x.pattern()).isEqualTo("secret/prod/db-*");
            assertThat(x.options()).containsKey("fields");
        });
        assertThat(t.match("secret/prod/db-main/child"))
                .get()
                .extracting(RotationTargets.Target::pattern)
                .isEqualTo("secret/**");
        assertThat(t.match("transit/keys/key"))
                .get()
                .extracting(RotationTargets.Target::strategy)
                .isEqualTo("transit");
        assertThat(t.match("transit/keys/k/y")).isEmpty();
        assertThat(t.match("database/x")).isEmpty();
    }

    @Test
    void badFilesFailWithAClearMessage() {
        assertThatThrownBy(() -> RotationTargets.parse("targets: []", "t.yaml"))
                .hasMessage("rotor.targets.file (t.yaml): needs a non-empty 'targets:' list");
        assertThatThrownBy(() -> RotationTargets.parse("targets:\n  - pattern: a\n    strategy: magic\n", "t.yaml"))
                .hasMessageContaining("targets[0].strategy 'magic' is unknown");
        assertThatThrownBy(() -> RotationTargets.parse("targets:\n  - strategy: kv2\n", "t.yaml"))
                .hasMessageContaining("targets[0].pattern is missing");
    }

    @Test
    void regexCharactersInPatternsAreLiteral() {
        final RotationTargets t = RotationTargets.parse("targets:\n  - pattern: \"secret/a.b\"\n", "t");
        assertThat(t.match("secret/a.b")).isPresent();
        assertThat(t.match("secret/aXb")).isEmpty();
    }
}
