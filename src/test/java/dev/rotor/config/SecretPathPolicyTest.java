package dev.rotor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretPathPolicyTest {
    private final SecretPathPolicy policy = new SecretPathPolicy(RotationTargets.parse("""
            targets:
              - pattern: "secret/prod/*"
                strategy: kv2
              - pattern: "database/static-roles/**"
                strategy: database-static-role
            """, "test"));

    @ParameterizedTest
    @CsvSource({
        "secret/prod/db,secret/prod/db",
        "/secret/prod/db,secret/prod/db",
        "database/static-roles/app/ro,database/static-roles/app/ro"
    })
    void allowedPathsAreNormalised(final String raw, final String path) {
        final SecretPathPolicy.Verdict v = policy.check(raw);
        assertThat(v.allowed()).isTrue();
        assertThat(v.path()).isEqualTo(path);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "secret/prod/a/b | matches no target",
                "secret/dev/db | matches no target",
                "secret/prod/../x | '..' segment",
                "sys/policy/x | sys/ and auth/",
                "Sys/policy/x | sys/ and auth/",
                "auth/approle/role/x | sys/ and auth/",
                "secret//prod | empty segment",
                "secret/prod/%2e | contains '%'",
                "secret/prod/a#b | contains '#'",
                "secret\\prod | contains '\\'"
            })
    void refusedPathsSayWhy(final String raw, final String why) {
        final SecretPathPolicy.Verdict v = policy.check(raw);
        assertThat(v.allowed()).isFalse();
        assertThat(v.refusal().orElseThrow()).contains(why);
    }

    @Test
    void controlCharactersAreRefusedAndEscapedWhenShown() {
        assertThat(policy.check("secret/prod/a\nb").refusal()).hasValue("contains a control character");
        assertThat(SecretPathPolicy.printable("a\nb")).isEqualTo("a\\u000ab");
    }

    /** Characters a URL would have to escape never reach Vault: refused at detection, not retried until a deadline. */
    @Test
    void charactersAUrlWouldEscapeAreRefused() {
        for (final String c : List.of("{", "}", "|", "^", "\"", "<", ">", "[", "]", "`", ";", ":", "'", "!", "$")) {
            final String path = "secret/prod/a" + c + "b";
            assertThat(policy.check(path).refusal()).as(path).hasValue("contains '" + c + "'");
            assertThat(SecretPathPolicy.characterProblem(path)).as(path).isPresent();
        }
        assertThat(policy.check("secret/prod/caf\u00e9").refusal().orElseThrow())
                .startsWith("contains U+00E9");
    }

    @Test
    void theStrictCharacterSetStillAllowsCommonSecretNames() {
        assertThat(policy.check("secret/prod/svc-payments_db.v2~blue@eu+1=x,y").allowed())
                .isTrue();
        assertThat(SecretPathPolicy.characterProblem("sys/leases/revoke-prefix/database/creds/ro"))
                .isEmpty();
    }

    @Test
    void overlongPathsAreRefused() {
        assertThat(policy.check("secret/prod/" + "x".repeat(600)).refusal().orElseThrow())
                .contains("longer than");
    }
}
