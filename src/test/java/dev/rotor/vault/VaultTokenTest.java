package dev.rotor.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rotor.config.ConfigException;
import dev.rotor.config.SecretValue;
import dev.rotor.devvault.Capability;
import dev.rotor.devvault.DevVault;
import dev.rotor.devvault.Policy;
import dev.rotor.devvault.TokenSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * rotor's Vault token is checked at start-up (lookup-self), renewed while renewable, and its state is exposed through
 * {@link VaultAuthHealth} for readiness.
 */
class VaultTokenTest {
    private static final Policy READER =
            Policy.named("token-test-reader").path("secret/*", Capability.READ).build();

    @RegisterExtension
    static final VaultFixture fx = new VaultFixture();

    @BeforeAll
    static void start() {
        fx.vault.definePolicy(READER);
        fx.vault.kvPut("secret", "token-test/app", Map.of("value", "v"));
    }

    private static String token(final Duration ttl, final boolean renewable) {
        return fx.vault.createToken(TokenSpec.builder()
                .policies(READER.name())
                .ttl(ttl)
                .renewable(renewable)
                .build());
    }

    @Test
    void aValidTokenIsReportedWithItsTtlAndRenewability() {
        final VaultClient client = fx.tokenClient(token(Duration.ofHours(1), true));

        final TokenCheck check = client.verifyAtStartup();

        assertThat(check.state()).isEqualTo(TokenCheck.State.VALID);
        assertThat(check.ttl()).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
        assertThat(check.renewable()).isTrue();
        assertThat(check.expireTime()).isPresent();
        assertThat(check.problem()).isEmpty();
        assertThat(client.authHealth().problem()).isEmpty();

        final TokenCheck root = fx.rootClient().checkToken();
        assertThat(root.state()).isEqualTo(TokenCheck.State.VALID);
        assertThat(root.ttl()).as("the root token never expires").isZero();
        assertThat(root.expireTime()).isEmpty();
    }

    @Test
    void anUnknownOrExpiredTokenIsInvalidAndStopsStartUpWithOneLineNamingVaultToken() throws Exception {
        final String expiring = token(Duration.ofSeconds(1), false);
        Thread.sleep(1600);
        for (final String t : new String[] {"hvs.not-a-token-4711", expiring}) {
            final VaultClient client = fx.tokenClient(t);

            final TokenCheck check = client.checkToken();

            assertThat(check.state()).isEqualTo(TokenCheck.State.INVALID);
            assertThat(check.status()).isEqualTo(403);
            assertThat(client.authHealth().problem()).contains("Vault token invalid (lookup-self: 403 invalid token)");
            assertThatThrownBy(client::verifyAtStartup)
                    .isInstanceOfSatisfying(
                            ConfigException.class, e -> assertThat(e.key()).isEqualTo("VAULT_TOKEN"))
                    .hasMessage("VAULT_TOKEN: Vault refuses this token (auth/token/lookup-self answered 403): it is "
                            + "expired, revoked or unknown, or lacks the default policy")
                    .hasMessageNotContaining(t);
            assertThat(check.toString() + client.authHealth()).doesNotContain(t);
        }
    }

    @Test
    void anUnreachableVaultIsAnOutageNotAConfigErrorAndIsReportedThroughHealth() {
        final int port;
        try (DevVault gone = DevVault.start()) {
            port = gone.port();
        }
        final VaultClient client = new VaultClient(new VaultClient.Settings(
                "http://127.0.0.1:" + port,
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                new VaultClient.TokenCredentials(SecretValue.of("hvs.whatever"))));

        final TokenCheck check = client.verifyAtStartup();

        assertThat(check.state()).isEqualTo(TokenCheck.State.UNREACHABLE);
        assertThat(client.authHealth().problem())
                .contains("Vault unreachable: cannot connect to Vault on auth/token/lookup-self");
    }

    @Test
    void aRenewableShortLivedTokenKeepsWorkingWhileIdleBecauseTheRenewerRenewsIt() throws Exception {
        final String t = token(Duration.ofSeconds(3), true);
        final VaultClient client = fx.tokenClient(t);
        final long renewalsBefore = fx.vault.callCount("POST", "auth/token/renew-self");
        assertThat(client.verifyAtStartup().renewable()).isTrue();

        try (VaultTokenRenewer renewer =
                new VaultTokenRenewer(client, Duration.ofSeconds(60), Duration.ofMillis(500))) {
            renewer.start();
            for (int second = 1; second <= 10; second++) {
                Thread.sleep(1000);
                assertThat(fx.vault.tokenExists(t))
                        .as("token alive after " + second + " s")
                        .isTrue();
                assertThat(client.authHealth().problem())
                        .as("after " + second + " s")
                        .isEmpty();
            }
        }

        assertThat(client.read("secret/data/token-test/app").status()).isEqualTo(200);
        assertThat(fx.vault.callCount("POST", "auth/token/renew-self") - renewalsBefore)
                .as("renewed at two thirds of a 3 s TTL")
                .isBetween(4L, 12L);
    }

    @Test
    void aRenewableShortLivedTokenIsAlsoRenewedByTheCallsThatUseIt() throws Exception {
        final String t = token(Duration.ofSeconds(3), true);
        final VaultClient client = fx.tokenClient(t);
        client.checkToken();

        final long end = System.nanoTime() + Duration.ofSeconds(7).toNanos();
        while (System.nanoTime() < end) {
            assertThat(client.read("secret/data/token-test/app").status()).isEqualTo(200);
            Thread.sleep(400);
        }
        assertThat(fx.vault.tokenExists(t)).isTrue();
    }

    @Test
    void aNonRenewableTokenThatExpiresMakesHealthReportTheProblem() throws Exception {
        final VaultClient client = fx.tokenClient(token(Duration.ofSeconds(2), false));
        final TokenCheck check = client.verifyAtStartup();
        assertThat(check.renewable()).isFalse();
        assertThat(client.authHealth().healthy()).isTrue();

        try (VaultTokenRenewer renewer =
                new VaultTokenRenewer(client, Duration.ofSeconds(60), Duration.ofMillis(500))) {
            renewer.start();
            final long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            while (client.authHealth().healthy() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
        }

        assertThat(client.authHealth().problem()).contains("Vault token invalid (lookup-self: 403 invalid token)");
    }

    @Test
    void aCallRefusedForAnInvalidTokenIsReportedThroughHealth() throws Exception {
        final String t = token(Duration.ofHours(1), true);
        final VaultClient client = fx.tokenClient(t);
        assertThat(client.verifyAtStartup().state()).isEqualTo(TokenCheck.State.VALID);
        client.write("auth/token/revoke-self", JsonNodeFactory.instance.objectNode());

        assertThatThrownBy(() -> client.read("secret/data/token-test/app"))
                .isInstanceOfSatisfying(
                        VaultCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(VaultCallException.Kind.PERMISSION_DENIED));

        assertThat(client.authHealth().problem())
                .contains("Vault token invalid (secret/data/token-test/app: 403 invalid token)");
    }

    @Test
    void aMissingCapabilityIsNotATokenProblem() {
        final VaultClient client = fx.tokenClient(token(Duration.ofHours(1), true));

        assertThatThrownBy(() -> client.write(
                        "secret/data/token-test/app",
                        JsonNodeFactory.instance.objectNode().putObject("data").put("value", "x")))
                .isInstanceOfSatisfying(
                        VaultCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(VaultCallException.Kind.PERMISSION_DENIED));

        assertThat(client.authHealth().healthy()).isTrue();
    }

    @Test
    void aRejectedAppRoleLoginStopsStartUpNamingTheSecretId() {
        final VaultClient client = new VaultClient(fx.settings(
                new VaultClient.AppRoleCredentials("approle", "no-such-role", SecretValue.of("wrong-secret-id-77"))));

        assertThatThrownBy(client::verifyAtStartup)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("VAULT_SECRET_ID: Vault refused the AppRole login at auth/approle/login (400)")
                .hasMessageNotContaining("wrong-secret-id-77");
        assertThat(client.authHealth().problem())
                .hasValueSatisfying(p ->
                        assertThat(p).startsWith("Vault AppRole login rejected").doesNotContain("wrong-secret-id-77"));
    }
}
