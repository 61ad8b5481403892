package dev.rotor.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.devvault.RecordingServer;
import dev.rotor.vault.RotationOutcome.Kind;
import dev.rotor.vault.RotationOutcome.VaultCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What never leaves rotor for Vault: a request that would follow a redirect, and a request whose path a URL cannot
 * carry as is. Both fail at once, without retrying until the deadline.
 */
class VaultTransportSafetyTest {
    private static final String TARGETS = "targets:\n  - pattern: \"secret/**\"\n    strategy: kv2\n";

    @RegisterExtension
    static final VaultFixture fx = new VaultFixture();

    private static VaultRotator rotator;
    private static RecordingServer stranger;

    @BeforeAll
    static void start() {
        rotator = fx.rotator(TARGETS);
        stranger = new RecordingServer();
    }

    @AfterAll
    static void stop() {
        stranger.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {301, 302, 307, 308})
    void aRedirectOnTheDataWriteFailsTheRotationAtOnceAndNothingReachesTheRedirectTarget(final int status) {
        final String p = VaultFixture.unique("redirect/db");
        fx.vault.kvPut("secret", p, Map.of("password", "leaked-value-1", "user", "u"));
        fx.vault.redirectNext("POST", "secret/data/" + p, 1, status, stranger.address());
        final int before = stranger.received().size();

        final long t0 = System.nanoTime();
        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/" + p));
        final Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(o.kind()).isEqualTo(Kind.FAILED);
        assertThat(o.error())
                .isEqualTo("Vault answered " + status + " (a redirect) on secret/data/" + p
                        + "; redirects are not followed: point VAULT_ADDR at the active node or the load balancer");
        assertThat(took).as("not retried until the 5 s deadline").isLessThan(Duration.ofSeconds(2));
        assertThat(o.calls())
                .filteredOn(c -> c.method().equals("POST") && c.path().equals("secret/data/" + p))
                .extracting(VaultCall::status)
                .containsExactly(status);
        assertThat(fx.vault.kvMetadata("secret", p).orElseThrow().currentVersion())
                .isEqualTo(1);
        assertThat("leaked-value-1".equals(fx.field("secret", p, "password")))
                .as("secret unchanged")
                .isTrue();
        assertThat(stranger.received().subList(before, stranger.received().size()))
                .as("the redirect target received no request (and so no token)")
                .isEmpty();
    }

    @Test
    void aRedirectOnAReadIsANonTransientErrorNamingTheStatus() {
        fx.vault.redirectNext(null, "secret/data/elsewhere", 1, 302, stranger.address());
        final List<VaultCall> calls = new ArrayList<>();

        assertThatThrownBy(() -> fx.rootClient().read("secret/data/elsewhere", calls::add))
                .isInstanceOfSatisfying(VaultCallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(VaultCallException.Kind.REDIRECT);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.status()).isEqualTo(302);
                })
                .hasMessageContaining("redirects are not followed");
        assertThat(calls).extracting(VaultCall::status).containsExactly(302);
        assertThat(stranger.received()).noneMatch(r -> r.path().contains("elsewhere"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "secret/data/app/a{b}",
                "secret/data/app|x",
                "secret/data/a b",
                "secret/data/a%2Fb",
                "secret/data/a/../b",
                "secret/data/a?version=1",
                "secret/data//a",
                "secret/data/caf\u00e9"
            })
    void anApiPathOutsideTheStrictCharacterSetIsRefusedBeforeAnyRequest(final String apiPath) {
        final int before = fx.vault.requests().size();
        final List<VaultCall> calls = new ArrayList<>();
        final ObjectNode body = JsonNodeFactory.instance.objectNode();

        for (final VaultCallThrower call : List.<VaultCallThrower>of(
                () -> fx.rootClient().read(apiPath, calls::add),
                () -> fx.rootClient().write(apiPath, body, calls::add),
                () -> fx.rootClient().writeSecret(apiPath, body, calls::add),
                () -> fx.rootClient().list(apiPath, calls::add),
                () -> fx.rootClient().delete(apiPath, calls::add))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(VaultCallException.class, e -> {
                assertThat(e.kind()).isEqualTo(VaultCallException.Kind.INVALID_PATH);
                assertThat(e.isTransient()).isFalse();
                assertThat(e.getMessage())
                        .startsWith("refused to call Vault on '")
                        .endsWith("; nothing was sent");
            });
        }
        assertThat(calls).as("no HTTP exchange").isEmpty();
        assertThat(fx.vault.requests()).hasSize(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "secret/app/a{b}",
                "secret/app|x",
                "secret/app/^x",
                "secret/app/\"q\"",
                "secret/a<b>",
                "secret/app/[0]"
            })
    void aSecretPathAUrlCannotCarryFailsAtOnceWithoutAnyVaultCall(final String path) {
        final int before = fx.vault.requests().size();

        final long t0 = System.nanoTime();
        final RotationOutcome o =
                rotator.rotate(VaultFixture.request(path, false, Instant.now(), Duration.ofSeconds(5)));

        assertThat(o.kind()).isEqualTo(Kind.FAILED);
        assertThat(o.error()).startsWith("secret path refused: contains '");
        assertThat(o.calls()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .as("no retry until the deadline")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(fx.vault.requests()).hasSize(before);
    }

    @FunctionalInterface
    private interface VaultCallThrower {
        void run() throws VaultCallException;
    }
}
