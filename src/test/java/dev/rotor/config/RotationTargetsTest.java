package dev.rotor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
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
            assertThat(x.entry())
                    .isInstanceOfSatisfying(
                            TargetEntry.Kv2.class, kv -> assertThat(kv.fields()).containsExactly("password"));
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
    void eachEntryBindsToItsStrategysRecord() {
        final RotationTargets t = RotationTargets.parse("""
                targets:
                  - pattern: "/secret/a/*"
                    fields: password
                    quarantine: false
                  - pattern: "transit/keys/*"
                    strategy: transit
                    name: k
                  - pattern: "database/creds/**"
                    strategy: lease-revoke-prefix
                    prefix: database/creds/app
                  - pattern: "aws/**"
                    strategy: aws-root
                    dependents: "secret/aws-users"
                """, "t.yaml");
        assertThat(t.all()).extracting(RotationTargets.Target::pattern).first().isEqualTo("secret/a/*");
        assertThat(t.all().get(0).entry())
                .isEqualTo(new TargetEntry.Kv2(
                        "/secret/a/*",
                        "kv2",
                        null,
                        null,
                        null,
                        List.of("password"),
                        TargetEntry.Quarantine.NONE,
                        null));
        assertThat(t.all().get(1).entry())
                .isEqualTo(new TargetEntry.Named("transit/keys/*", "transit", null, null, null, "k"));
        assertThat(t.all().get(2).entry())
                .isEqualTo(new TargetEntry.LeasePrefix(
                        "database/creds/**", "lease-revoke-prefix", null, null, null, "database/creds/app"));
        assertThat(t.all().get(3).entry())
                .isEqualTo(new TargetEntry.AwsRoot("aws/**", "aws-root", null, List.of("secret/aws-users"), null));
        assertThat(RotationTargets.STRATEGIES)
                .containsExactlyInAnyOrder(
                        "kv2", "database-static-role", "database-root", "transit", "lease-revoke-prefix", "aws-root");
    }

    @Test
    void valuesOfTheWrongKindAreRefusedNotCoerced() {
        assertThatThrownBy(() -> RotationTargets.parse("targets: {pattern: a}\n", "t.yaml"))
                .hasMessage("rotor.targets.file (t.yaml): 'targets:' must be a list");
        assertThatThrownBy(() -> RotationTargets.parse("targets:\n  - pattern: 5\n", "t.yaml"))
                .hasMessage("rotor.targets.file (t.yaml): targets[0].pattern must be a string");
        assertThatThrownBy(
                        () -> RotationTargets.parse("targets:\n  - pattern: a\n    generator: {length: true}\n", "t"))
                .hasMessage("rotor.targets.file (t): targets[0].generator.length must be a whole number");
        assertThatThrownBy(() -> RotationTargets.parse(
                        "targets:\n  - pattern: a\n    strategy: transit\n    fields: [x]\n", "t"))
                .hasMessageStartingWith("rotor.targets.file (t): targets[0].fields is not an option here (known: "
                        + "dependents, description, mount, name, pattern, strategy)");
        assertThatThrownBy(() -> RotationTargets.parse("""
                        targets:
                          - pattern: a
                        principals:
                          - source: ocsf
                            match: {user.name: 5}
                            secret: s
                        """, "t"))
                .hasMessage("rotor.targets.file (t): principals[0].match.user.name must be a string");
        assertThatThrownBy(() -> RotationTargets.parse("targets:\n  - pattern: a\ntargest: []\n", "t"))
                .hasMessageStartingWith("rotor.targets.file (t): 'targest:' is not an option here");
    }

    @Test
    void regexCharactersInPatternsAreLiteral() {
        final RotationTargets t = RotationTargets.parse("targets:\n  - pattern: \"secret/a.b\"\n", "t");
        assertThat(t.match("secret/a.b")).isPresent();
        assertThat(t.match("secret/aXb")).isEmpty();
    }
}
