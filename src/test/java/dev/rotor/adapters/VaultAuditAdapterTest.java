package dev.rotor.adapters;

import static dev.rotor.adapters.Fixtures.adapt;
import static dev.rotor.adapters.Fixtures.bytes;
import static dev.rotor.adapters.Fixtures.edited;
import static dev.rotor.adapters.Fixtures.event;
import static dev.rotor.adapters.Fixtures.events;
import static dev.rotor.adapters.Fixtures.meta;
import static dev.rotor.adapters.Fixtures.notRelevant;
import static dev.rotor.adapters.Fixtures.object;
import static dev.rotor.adapters.Fixtures.unmapped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.SourceFormat;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Vault's file audit device: every published sample, and rows derived from them. */
class VaultAuditAdapterTest {
    private static final String PKI_DENIED = "vault--pki-issue-permission-denied-response.json";
    private static final String TOKEN_DENIED = "vault--contract-04-permission-denied-response.json";
    private static final String LOGIN_FAILED = "vault--contract-05-userpass-login-invalid-response.json";

    static Stream<Arguments> samples() {
        return Stream.of(
                arguments(
                        PKI_DENIED,
                        bytes(PKI_DENIED),
                        events(event(
                                "24ac580b-805a-d9ee-4d0d-7046932f4e05",
                                "unauthorized_access",
                                ThreatLevel.high,
                                "Vault denied update on internal-ca/issue/internal-server: permission denied",
                                List.of("internal-ca/issue/internal-server"),
                                "10.6.8.34",
                                "2021-07-19T17:19:00.674Z",
                                meta(
                                        "source",
                                        "vault-audit",
                                        "principal",
                                        "(none)",
                                        "vault_path",
                                        "internal-ca/issue/internal-server",
                                        "operation",
                                        "update",
                                        "mount_type",
                                        "pki",
                                        "vault_namespace",
                                        "root")))),
                arguments(
                        LOGIN_FAILED + " (error only in response.data)",
                        bytes(LOGIN_FAILED),
                        events(event(
                                "5dc1831b-3206-0182-560b-ca9d87a756df",
                                "failed_auth_spike",
                                ThreatLevel.medium,
                                "Vault login failed at auth/userpass/login/mitchellh",
                                List.of("secret/users/mitchellh"),
                                "127.0.0.1",
                                "2020-02-07T00:50:29.918Z",
                                meta(
                                        "source",
                                        "vault-audit",
                                        "principal",
                                        "login_path=auth/userpass/login/mitchellh, mount=auth/userpass, "
                                                + "user=mitchellh",
                                        "vault_path",
                                        "auth/userpass/login/mitchellh",
                                        "operation",
                                        "update",
                                        "vault_namespace",
                                        "root")))),
                arguments(
                        TOKEN_DENIED,
                        bytes(TOKEN_DENIED),
                        notRelevant(
                                "64026a53-97b9-3f8e-5b21-3048df903ca9",
                                "2022-03-07T19:15:32.766Z",
                                "permission denied on auth/token/revoke, which is not a secret path")),
                arguments(
                        "vault--contract-03-permission-denied-request.json",
                        bytes("vault--contract-03-permission-denied-request.json"),
                        notRelevant(
                                "64026a53-97b9-3f8e-5b21-3048df903ca9",
                                "2022-03-07T19:15:32.766Z",
                                "Vault audit request entry (calls are judged on their response entry)")),
                arguments(
                        "vault--kv2-read-response-success.json",
                        bytes("vault--kv2-read-response-success.json"),
                        notRelevant(
                                "0042ad1b-1400-7eb7-5e25-1dfc898c1998",
                                "2021-06-29T17:26:11.409Z",
                                "Vault read on secret/data/apps/continuous-delivery/aws-bucket-sse-c succeeded")),
                arguments(
                        "vault--contract-01-kv2-write-response.json",
                        bytes("vault--contract-01-kv2-write-response.json"),
                        notRelevant(
                                "740e8209-f0b6-65e5-f297-1d7f44ead128",
                                "2020-02-07T17:44:17.392Z",
                                "Vault update on secret/data/cli succeeded")),
                arguments(
                        "vault--contract-02-kv2-delete-request.json",
                        bytes("vault--contract-02-kv2-delete-request.json"),
                        notRelevant(
                                "182fe602-521e-e71f-d868-84e85bc530a9",
                                "2020-02-07T17:47:03.414Z",
                                "Vault audit request entry (calls are judged on their response entry)")),
                arguments(
                        "vault--elastic-line1-sys-capabilities-self-request.json",
                        bytes("vault--elastic-line1-sys-capabilities-self-request.json"),
                        notRelevant(
                                "cd09708b-11cc-2985-648b-cfe262cf7e50",
                                "2020-12-01T20:29:04.356Z",
                                "Vault audit request entry (calls are judged on their response entry)")),
                arguments(
                        "vault--elastic-line2-sys-capabilities-self-response.json",
                        bytes("vault--elastic-line2-sys-capabilities-self-response.json"),
                        notRelevant(
                                "cd09708b-11cc-2985-648b-cfe262cf7e50",
                                "2020-12-01T20:29:04.360Z",
                                "Vault update on sys/capabilities-self succeeded")),
                arguments(
                        "vault--elastic-line3-pki-issue-permission-denied-request.json",
                        bytes("vault--elastic-line3-pki-issue-permission-denied-request.json"),
                        notRelevant(
                                "24ac580b-805a-d9ee-4d0d-7046932f4e05",
                                "2021-07-19T17:19:00.673Z",
                                "Vault audit request entry (calls are judged on their response entry)")),
                arguments(
                        "vault--elastic-line9-pki-help-request-no-id.json",
                        bytes("vault--elastic-line9-pki-help-request-no-id.json"),
                        notRelevant(
                                null,
                                "2021-12-30T17:11:12.468Z",
                                "Vault audit request entry (calls are judged on their response entry)")),
                arguments(
                        "vault--elastic-line10-kmip-request.json",
                        bytes("vault--elastic-line10-kmip-request.json"),
                        notRelevant(
                                null,
                                "2026-05-20T13:49:00.313Z",
                                "Vault audit kmip-request entry (calls are judged on their response entry)")),
                // Rows derived from the real samples by changing the fields named:
                arguments(
                        "permission denied reading a KV v2 secret: the secret's logical path",
                        edited(
                                TOKEN_DENIED,
                                n -> object(n, "request")
                                        .put("path", "secret/data/app/db")
                                        .put("operation", "read")
                                        .put("mount_type", "kv")),
                        events(event(
                                "64026a53-97b9-3f8e-5b21-3048df903ca9",
                                "unauthorized_access",
                                ThreatLevel.high,
                                "Vault denied read on secret/data/app/db: permission denied",
                                List.of("secret/app/db"),
                                "192.168.105.22",
                                "2022-03-07T19:15:32.766Z",
                                meta(
                                        "source",
                                        "vault-audit",
                                        "principal",
                                        "display_name=oidc-user@email.com, "
                                                + "entity_id=eaaa1d84-ddb8-046e-af99-2c7adf3c7b64",
                                        "vault_path",
                                        "secret/data/app/db",
                                        "operation",
                                        "read",
                                        "mount_type",
                                        "kv",
                                        "vault_namespace",
                                        "root")))),
                arguments(
                        "userpass login failure for an unmapped mount",
                        edited(LOGIN_FAILED, n -> object(n, "request").put("path", "auth/ldap/login/alice")),
                        unmapped(
                                event(
                                        "5dc1831b-3206-0182-560b-ca9d87a756df",
                                        "failed_auth_spike",
                                        ThreatLevel.medium,
                                        "Vault login failed at auth/ldap/login/alice",
                                        List.of(),
                                        "127.0.0.1",
                                        "2020-02-07T00:50:29.918Z",
                                        meta(
                                                "source",
                                                "vault-audit",
                                                "principal",
                                                "login_path=auth/ldap/login/alice, mount=auth/ldap, user=alice",
                                                "vault_path",
                                                "auth/ldap/login/alice",
                                                "operation",
                                                "update",
                                                "vault_namespace",
                                                "root")),
                                "login_path=auth/ldap/login/alice, mount=auth/ldap, user=alice")),
                arguments(
                        "a permission denial that is not a login, without error text: not relevant",
                        edited(PKI_DENIED, n -> n.put("error", "unsupported path")),
                        notRelevant(
                                "24ac580b-805a-d9ee-4d0d-7046932f4e05",
                                "2021-07-19T17:19:00.674Z",
                                "Vault error on internal-ca/issue/internal-server is neither a failed login nor a "
                                        + "permission denial")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void eachSampleGivesExactlyThis(final String name, final byte[] input, final Adaptation expected) {
        assertThat(adapt(SourceFormat.VAULT_AUDIT, input)).isEqualTo(expected);
    }

    @Test
    void aShippersEnvelopeIsUnwrapped() {
        for (final String field : List.of("message", "log")) {
            final ObjectNode envelope = JsonNodeFactory.instance
                    .objectNode()
                    .put("@timestamp", "2021-07-19T17:19:01Z")
                    .put(
                            field,
                            Fixtures.text("vault--elastic-line3-pki-issue-permission-denied-request.json")
                                    .strip());
            assertThat(adapt(SourceFormat.VAULT_AUDIT, envelope.toString().getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(adapt(
                            SourceFormat.VAULT_AUDIT, "vault--elastic-line3-pki-issue-permission-denied-request.json"));
        }
    }

    @Test
    void hmacValuesAndTokensAreNeverCopied() {
        for (final String f :
                List.of(PKI_DENIED, TOKEN_DENIED, LOGIN_FAILED, "vault--kv2-read-response-success.json")) {
            assertThat(adapt(SourceFormat.VAULT_AUDIT, f).toString()).doesNotContain("hmac-sha256");
        }
    }

    @Test
    void kvApiPathsBecomeTheSecretsLogicalPath() {
        assertThat(VaultAuditAdapter.logicalPath("secret/data/app/db", "kv", null))
                .isEqualTo("secret/app/db");
        assertThat(VaultAuditAdapter.logicalPath("secret/metadata/app/db", null, null))
                .isEqualTo("secret/app/db");
        assertThat(VaultAuditAdapter.logicalPath("kv/team/data/x/y", "kv", "kv/team/"))
                .isEqualTo("kv/team/x/y");
        assertThat(VaultAuditAdapter.logicalPath("transit/keys/k", "transit", null))
                .isEqualTo("transit/keys/k");
        assertThat(VaultAuditAdapter.logicalPath("secret/app/db", "kv", null)).isEqualTo("secret/app/db");
        assertThat(VaultAuditAdapter.isLogin("auth/approle/login")).isTrue();
        assertThat(VaultAuditAdapter.isLogin("auth/loginsvc/role/x")).isFalse();
        assertThat(VaultAuditAdapter.isLogin("secret/login/x")).isFalse();
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments(
                        "an ECS document (Elastic) is no Vault audit entry",
                        bytes("ecs--okta-user-session-start-success.json"),
                        Code.UNKNOWN_PAYLOAD,
                        "type is missing: not a Vault audit entry",
                        null),
                arguments(
                        "a response without request",
                        edited(PKI_DENIED, n -> n.remove("request")),
                        Code.MISSING_FIELD,
                        "request is missing",
                        null),
                arguments(
                        "an unreadable time",
                        edited(PKI_DENIED, n -> n.put("time", "19/07/2021")),
                        Code.INVALID_TIMESTAMP,
                        "time is not an ISO-8601 date-time",
                        "24ac580b-805a-d9ee-4d0d-7046932f4e05"),
                arguments(
                        "not JSON",
                        "time=2021-07-19 type=response".getBytes(StandardCharsets.UTF_8),
                        Code.INVALID_JSON,
                        "not valid JSON",
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void malformedOrForeignRecordsAreRefusedWithTheReason(
            final String name, final byte[] input, final Code code, final String reason, final String eventId) {
        assertThatThrownBy(() -> adapt(SourceFormat.VAULT_AUDIT, input))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).startsWith(reason);
                    assertThat(e.eventId().orElse(null)).isEqualTo(eventId);
                });
    }
}
