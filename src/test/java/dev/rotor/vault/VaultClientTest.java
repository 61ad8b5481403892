package dev.rotor.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.config.ConfigException;
import dev.rotor.config.SecretValue;
import dev.rotor.devvault.Capability;
import dev.rotor.devvault.DevVault;
import dev.rotor.devvault.Policy;
import dev.rotor.devvault.Request;
import dev.rotor.vault.RotationOutcome.Kind;
import dev.rotor.vault.RotationOutcome.VaultCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link VaultClient} over HTTP: driver configuration, status classification, AppRole auth. */
class VaultClientTest {
    private static final Policy ROTOR = Policy.named("rotor")
            .path("secret/*", Capability.CREATE, Capability.READ, Capability.UPDATE, Capability.DELETE, Capability.LIST)
            .path("auth/token/*", Capability.READ, Capability.UPDATE)
            .build();

    @RegisterExtension
    static final VaultFixture fx = new VaultFixture();

    private static VaultClient root;

    @BeforeAll
    static void start() {
        root = fx.rootClient();
        fx.vault.definePolicy(ROTOR);
    }

    @Test
    void writesNestedBodiesAndReadsThemBackThroughKvV2ApiPaths() throws Exception {
        final String p = VaultFixture.unique("client/nested");
        final ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("options").put("cas", 0);
        body.putObject("data")
                .put("user", "u")
                .put("port", 5432)
                .put("tls", true)
                .putArray("hosts")
                .add("a");
        final List<VaultCall> calls = new ArrayList<>();

        final VaultResponse written = root.write("secret/data/" + p, body, calls::add);
        final VaultResponse read = root.read("secret/data/" + p, calls::add);

        assertThat(written.status()).isEqualTo(200);
        assertThat(written.data().path("version").asLong()).isEqualTo(1);
        assertThat(read.data().path("data").path("port").asInt()).isEqualTo(5432);
        assertThat(read.data().path("data").path("tls").asBoolean()).isTrue();
        assertThat(read.data().path("data").path("hosts").get(0).asText()).isEqualTo("a");
        assertThat(calls)
                .extracting(VaultCall::method, VaultCall::path, VaultCall::status)
                .containsExactly(tuple("POST", "secret/data/" + p, 200), tuple("GET", "secret/data/" + p, 200));
        assertThat(read.toString()).isEqualTo("VaultResponse[200 secret/data/" + p + "]");
    }

    @Test
    void readsAGivenVersionOfAKvV2SecretAndRecordsTheQuery() throws Exception {
        final String p = VaultFixture.unique("client/versions");
        fx.vault.kvPut("secret", p, Map.of("value", "first"));
        fx.vault.kvPut("secret", p, Map.of("value", "second"));
        fx.vault.kvSoftDelete("secret", p, 2);
        final List<VaultCall> calls = new ArrayList<>();

        final VaultResponse one = root.readVersionAllowingNotFound("secret/data/" + p, 1, calls::add);
        final VaultResponse two = root.readVersionAllowingNotFound("secret/data/" + p, 2, calls::add);

        assertThat(one.found()).isTrue();
        assertThat("first".equals(one.data().path("data").path("value").asText()))
                .as("version 1's value")
                .isTrue();
        assertThat(two.found()).as("a soft-deleted version is a 404 answer").isFalse();
        assertThat(two.data().path("metadata").path("version").asLong()).isEqualTo(2);
        assertThat(calls)
                .extracting(VaultCall::path)
                .containsExactly("secret/data/" + p + "?version=1", "secret/data/" + p + "?version=2");
    }

    @Test
    void listAndDeleteUseTheirOwnVerbs() throws Exception {
        final String p = VaultFixture.unique("client/list");
        fx.vault.kvPut("secret", p + "/a", Map.of("value", "x"));
        final List<VaultCall> calls = new ArrayList<>();

        final VaultResponse listed = root.list("secret/metadata/" + p, calls::add);
        final VaultResponse deleted = root.delete("secret/metadata/" + p + "/a", calls::add);
        final VaultResponse empty = root.list("secret/metadata/" + p, calls::add);

        assertThat(listed.data().path("keys").get(0).asText()).isEqualTo("a");
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(empty.found()).isFalse();
        assertThat(fx.vault.kvMetadata("secret", p + "/a")).isEmpty();
        assertThat(calls).extracting(VaultCall::method).containsExactly("LIST", "DELETE", "LIST");
    }

    @Test
    void classifiesNotFoundPermissionDeniedAndCasMismatch() throws Exception {
        final String p = VaultFixture.unique("client/classes");
        fx.vault.kvPut("secret", p, Map.of("value", "x"));
        final ObjectNode stale = JsonNodeFactory.instance.objectNode();
        stale.putObject("options").put("cas", 0);
        stale.putObject("data").put("value", "y");

        assertThatThrownBy(() -> root.read("secret/data/" + p + "-missing", c -> {}))
                .isInstanceOfSatisfying(VaultCallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(VaultCallException.Kind.NOT_FOUND);
                    assertThat(e.status()).isEqualTo(404);
                })
                .hasMessage("secret/data/" + p + "-missing not found");
        assertThat(root.readAllowingNotFound("secret/data/" + p + "-missing", c -> {})
                        .found())
                .isFalse();
        assertThatThrownBy(() -> root.write("secret/data/" + p, stale, c -> {}))
                .isInstanceOfSatisfying(
                        VaultCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(VaultCallException.Kind.CAS_MISMATCH))
                .hasMessage("check-and-set conflict (400) on secret/data/" + p);
        assertThatThrownBy(() -> fx.tokenClient("hvs.not-a-token").read("secret/data/" + p, c -> {}))
                .isInstanceOfSatisfying(
                        VaultCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(VaultCallException.Kind.PERMISSION_DENIED))
                .hasMessage("permission denied (invalid token) on secret/data/" + p);
    }

    @Test
    void serverErrorsTimeoutsAndRefusedConnectionsAreTransient() throws Exception {
        fx.vault.failNext(1, 500);
        assertThatThrownBy(() -> root.read("secret/data/any", c -> {}))
                .isInstanceOfSatisfying(
                        VaultCallException.class,
                        e -> assertThat(e.isTransient()).isTrue())
                .hasMessage("Vault server error (500) on secret/data/any");

        fx.vault.failNext(1, 429);
        assertThatThrownBy(() -> root.read("secret/data/any", c -> {}))
                .isInstanceOfSatisfying(
                        VaultCallException.class,
                        e -> assertThat(e.isTransient()).isTrue());

        fx.vault.setResponseDelay(Duration.ofMillis(1300));
        final List<VaultCall> calls = new ArrayList<>();
        assertThatThrownBy(() -> root.read("secret/data/any", calls::add))
                .isInstanceOfSatisfying(VaultCallException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.status()).isZero();
                })
                .hasMessage("timed out after 1s on secret/data/any");
        assertThat(calls).extracting(VaultCall::status).containsExactly(0);
        fx.vault.setResponseDelay(Duration.ZERO);

        final int port;
        try (DevVault gone = DevVault.start()) {
            port = gone.port();
        }
        final VaultClient refused = new VaultClient(new VaultClient.Settings(
                "http://127.0.0.1:" + port,
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                new VaultClient.TokenCredentials(SecretValue.of("t"))));
        assertThatThrownBy(() -> refused.read("secret/data/any", c -> {}))
                .isInstanceOfSatisfying(
                        VaultCallException.class,
                        e -> assertThat(e.isTransient()).isTrue())
                .hasMessage("cannot connect to Vault on secret/data/any");
    }

    @Test
    void namespaceIsSentAsAHeader() throws Exception {
        final VaultClient namespaced = new VaultClient(new VaultClient.Settings(
                fx.vault.address(),
                Optional.of("team-a/"),
                Optional.empty(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                new VaultClient.TokenCredentials(SecretValue.of(fx.vault.rootToken()))));
        final String p = VaultFixture.unique("client/ns");
        fx.vault.kvPut("secret", p, Map.of("value", "x"));

        namespaced.read("secret/data/" + p, c -> {});

        assertThat(fx.requests(r -> r.path().equals("/v1/secret/data/" + p)))
                .extracting(Request::namespace)
                .containsExactly("team-a/");
    }

    @Test
    void appRoleLogsInOnceAndUsesItsToken() {
        fx.vault.addAppRole("rotor-role", "rotor-secret-id", "rotor");
        final VaultClient client = new VaultClient(fx.settings(
                new VaultClient.AppRoleCredentials("approle", "rotor-role", SecretValue.of("rotor-secret-id"))));
        final VaultRotator rotator = fx.rotator(client, "targets:\n  - pattern: \"secret/**\"\n");
        final String p = VaultFixture.unique("client/approle");
        fx.vault.kvPut("secret", p, Map.of("password", "a"));
        final String q = VaultFixture.unique("client/approle");
        fx.vault.kvPut("secret", q, Map.of("password", "a"));

        final long loginsBefore = fx.count("POST", "auth/approle/login");
        final RotationOutcome first = rotator.rotate(VaultFixture.request("secret/" + p));
        final RotationOutcome second = rotator.rotate(VaultFixture.request("secret/" + q));

        assertThat(first.kind()).as(String.valueOf(first.error())).isEqualTo(Kind.ROTATED);
        assertThat(first.calls().get(0))
                .extracting(VaultCall::method, VaultCall::path, VaultCall::status)
                .containsExactly("POST", "auth/approle/login", 200);
        assertThat(first.calls().subList(1, first.calls().size()))
                .allSatisfy(c -> assertThat(c.status()).isLessThan(300));
        assertThat(second.kind()).isEqualTo(Kind.ROTATED);
        assertThat(second.calls()).extracting(VaultCall::path).doesNotContain("auth/approle/login");
        assertThat(fx.count("POST", "auth/approle/login") - loginsBefore).isEqualTo(1);
    }

    @Test
    void appRoleLogsInAgainWhenItsTokenIsRevoked() throws Exception {
        fx.vault.addAppRole("relogin-role", "relogin-secret", "rotor");
        final VaultClient client = new VaultClient(fx.settings(
                new VaultClient.AppRoleCredentials("approle", "relogin-role", SecretValue.of("relogin-secret"))));
        final String p = VaultFixture.unique("client/relogin");
        fx.vault.kvPut("secret", p, Map.of("value", "x"));
        client.read("secret/data/" + p, c -> {});
        client.write("auth/token/revoke-self", JsonNodeFactory.instance.objectNode(), c -> {});
        final List<VaultCall> calls = new ArrayList<>();

        final VaultResponse r = client.read("secret/data/" + p, calls::add);

        assertThat(r.status()).isEqualTo(200);
        assertThat(calls)
                .extracting(VaultCall::method, VaultCall::path, VaultCall::status)
                .containsExactly(
                        tuple("GET", "secret/data/" + p, 403),
                        tuple("POST", "auth/approle/login", 200),
                        tuple("GET", "secret/data/" + p, 200));
    }

    @Test
    void rejectedAppRoleLoginFailsTheRotationAtOnce() {
        final VaultClient client = new VaultClient(
                fx.settings(new VaultClient.AppRoleCredentials("approle", "no-such-role", SecretValue.of("wrong"))));
        final VaultRotator rotator = fx.rotator(client, "targets:\n  - pattern: \"secret/**\"\n");

        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/client/whatever"));

        assertThat(o.kind()).isEqualTo(Kind.FAILED);
        assertThat(o.error())
                .isEqualTo("Vault rejected the request (400) on auth/approle/login: invalid role or secret ID");
        assertThat(o.calls()).hasSize(1);
    }

    @Test
    void invalidSettingsAreConfigErrors() {
        assertThatThrownBy(() -> new VaultClient(new VaultClient.Settings(
                        "vault:8200",
                        Optional.empty(),
                        Optional.empty(),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        new VaultClient.TokenCredentials(SecretValue.of("t")))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("rotor.vault.addr (VAULT_ADDR):");
        assertThatThrownBy(() -> new VaultClient(new VaultClient.Settings(
                        "https://vault:8200",
                        Optional.empty(),
                        Optional.of(Path.of("/nonexistent/ca.pem")),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        new VaultClient.TokenCredentials(SecretValue.of("t")))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("VAULT_CACERT:");
        assertThat(new VaultClient.AppRoleCredentials("approle", "role-id-value", SecretValue.of("s")).toString())
                .isEqualTo("AppRoleCredentials[mount=approle]");
        assertThat(new VaultClient.TokenCredentials(SecretValue.of("tok-value")).toString())
                .doesNotContain("tok-value");
    }
}
