package dev.rotor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The principals: section of rotation-targets.yaml: matching, templates, validation. */
class PrincipalMappingsTest {
    private static PrincipalMappings parse(final String principals) {
        return RotationTargets.parse("targets:\n  - pattern: \"secret/**\"\n" + principals, "t.yaml")
                .principals();
    }

    @Test
    void theFirstEntryOfTheSourceWhoseEveryGlobMatchesWins() {
        final PrincipalMappings m = parse("""
                principals:
                  - source: github
                    match: {repository: "acme/*", secret_type: "aws_*"}
                    secret: "secret/ci/{1}/aws/{2}"
                  - source: github
                    match: {repository: "acme/**"}
                    secrets: ["secret/ci/{1}/all", "secret/ci/shared"]
                  - source: ocsf
                    match: {user.name: "svc-?"}
                    secret: "secret/prod/{user.name}"
                """);
        assertThat(m.resolve(SourceFormat.GITHUB, Map.of("repository", "acme/api", "secret_type", "aws_access_key_id")))
                .contains(List.of("secret/ci/api/aws/access_key_id"));
        assertThat(m.resolve(SourceFormat.GITHUB, Map.of("repository", "acme/team/api", "secret_type", "aws_x")))
                .contains(List.of("secret/ci/team/api/all", "secret/ci/shared"));
        assertThat(m.resolve(SourceFormat.GITHUB, Map.of("secret_type", "aws_x")))
                .isEmpty();
        assertThat(m.resolve(SourceFormat.OCSF, Map.of("user.name", "svc-a"))).contains(List.of("secret/prod/svc-a"));
        assertThat(m.resolve(SourceFormat.OCSF, Map.of("user.name", "svc-ab"))).isEmpty();
        assertThat(m.resolve(SourceFormat.AWS, Map.of("user_name", "svc-a"))).isEmpty();
    }

    @Test
    void aSingleStarNeverCapturesASlashAndMatchingIsCaseSensitive() {
        final PrincipalMappings m = parse("""
                principals:
                  - source: ocsf
                    match: {user.name: "*"}
                    secret: "secret/users/{1}"
                """);
        assertThat(m.resolve(SourceFormat.OCSF, Map.of("user.name", "alice"))).contains(List.of("secret/users/alice"));
        assertThat(m.resolve(SourceFormat.OCSF, Map.of("user.name", "../../sys/x")))
                .isEmpty();
        final PrincipalMappings upper = parse("""
                principals:
                  - source: ocsf
                    match: {user.name: "Bob"}
                    secret: "secret/bob"
                """);
        assertThat(upper.resolve(SourceFormat.OCSF, Map.of("user.name", "bob"))).isEmpty();
    }

    @Test
    void noSectionMeansNoMappings() {
        assertThat(RotationTargets.parse("targets:\n  - pattern: a\n", "t")
                        .principals()
                        .isEmpty())
                .isTrue();
        assertThat(parse("principals: []\n").isEmpty()).isTrue();
        assertThat(RotationTargets.defaults().principals().isEmpty()).isTrue();
    }

    @Test
    void mistakesAreRefusedWithTheEntryNamed() {
        assertThatThrownBy(() -> parse("principals: {source: ocsf}\n"))
                .hasMessage("rotor.targets.file (t.yaml): 'principals:' must be a list");
        assertThatThrownBy(() -> parse("principals:\n  - source: splunk\n    match: {x: y}\n    secret: s\n"))
                .hasMessage("rotor.targets.file (t.yaml): principals[0].source 'splunk' is unknown (one of "
                        + "[ocsf, vault-audit, github, aws, ecs])");
        assertThatThrownBy(() -> parse("principals:\n  - source: ocsf\n    match: {user.nam: x}\n    secret: s\n"))
                .hasMessageContaining("principals[0].match: 'user.nam' is not a principal attribute of ocsf");
        assertThatThrownBy(() -> parse("principals:\n  - source: ocsf\n    match: {}\n    secret: s\n"))
                .hasMessageContaining("principals[0].match must map at least one principal attribute to a glob");
        assertThatThrownBy(() -> parse("principals:\n  - source: ocsf\n    match: {user.name: x}\n"))
                .hasMessageContaining("principals[0] needs exactly one of 'secret' or 'secrets'");
        assertThatThrownBy(() -> parse("""
                                       principals:
                                         - source: ocsf
                                           match: {user.name: "x*"}
                                           secret: "secret/{2}"
                                       """))
                .hasMessageContaining(
                        "placeholder {2} in 'secret/{2}' names neither a matched attribute nor one of the 1 "
                                + "wildcards");
        assertThatThrownBy(() -> parse("""
                                       principals:
                                         - source: ocsf
                                           match: {user.name: x}
                                           secret: "secret/{user.uid}"
                                       """)).hasMessageContaining("placeholder {user.uid}");
        assertThatThrownBy(() -> parse("""
                                       principals:
                                         - source: ocsf
                                           match: {user.name: x}
                                           secret: "secret/{user.name"
                                       """)).hasMessageContaining("unbalanced brace");
    }
}
