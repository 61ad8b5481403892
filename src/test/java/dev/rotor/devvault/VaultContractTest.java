package dev.rotor.devvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every recorded Vault exchange in {@code src/test/resources/vault-contract} (a copy of
 * {@code shared/vault-contract}) against a fresh {@link DevVault} and checks that it answers as real Vault did: same
 * status; for JSON answers every documented key at the same place with the same JSON type (values such as ids, times
 * and generated secrets may differ), {@code errors} and {@code warnings} texts equal; no body for 204; Vault's headers;
 * the full response envelope wherever Vault sends one.
 *
 * <p>What each case presupposes (secrets, roles, keys, leases, tokens, seal state) is in {@link #SETUP}, one row per
 * case file. A file without a row fails, as does a missing file (the count is pinned).
 */
class VaultContractTest {
    private static final int CASE_COUNT = 53;
    private static final String DOC_TOKEN = "...";
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String[] ENVELOPE = {
        "request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info", "warnings", "auth"
    };

    /**
     * What a case needs beyond a fresh dev Vault.
     *
     * @param seed state the case presupposes, applied before the request
     * @param docToken the token to send where the case shows the docs' placeholder {@code "..."}; null = root
     * @param onTheWire how the documented body maps to the wire, only where the contract README records a doc/code
     *     difference; null = the documented body as is
     * @param after checks on the dev Vault's state after the exchange; null = none
     */
    private record Setup(
            Consumer<DevVault> seed,
            Function<DevVault, String> docToken,
            UnaryOperator<JsonNode> onTheWire,
            Consumer<DevVault> after) {
        Setup token(Function<DevVault, String> token) {
            return new Setup(seed, token, onTheWire, after);
        }

        Setup wire(UnaryOperator<JsonNode> mapping) {
            return new Setup(seed, docToken, mapping, after);
        }

        Setup then(Consumer<DevVault> check) {
            return new Setup(seed, docToken, onTheWire, check);
        }
    }

    private static Setup nothing() {
        return new Setup(v -> {}, null, null, null);
    }

    private static Setup seed(Consumer<DevVault> seed) {
        return new Setup(seed, null, null, null);
    }

    // Shared seeds -------------------------------------------------------------------------------------------------

    private static final Map<String, String> OWNER_METADATA = Map.of("owner", "jdoe", "mission_critical", "false");

    private static Consumer<DevVault> versions(int count) {
        return v -> {
            for (int i = 1; i <= count; i++) {
                v.kvPut("secret", "my-secret", Map.of("foo", "value-" + i));
            }
        };
    }

    private static void mitchellh(DevVault v) {
        v.addUserpassUser("mitchellh", "superSecretPassword2", "policy1", "policy2");
    }

    private static String tokenFromLdapLogin(DevVault v) {
        return v.createToken(TokenSpec.builder()
                .policies("testgroup2-policy")
                .identityPolicies("dev-group-policy")
                .entityId("7d2e3179-f69b-450c-7179-ac8ee8bd8ca9")
                .meta(Map.of("username", "tesla"))
                .displayName("ldap2-tesla")
                .path("auth/ldap2/login/tesla")
                .orphan(true)
                .build());
    }

    private static String renewableArmonToken(DevVault v) {
        return v.createToken(TokenSpec.builder()
                .policies("web", "stage")
                .meta(Map.of("user", "armon"))
                .ttl(Duration.ofHours(1))
                .build());
    }

    /**
     * README "Known doc/code differences": the lease lookup sample shows the fields at the top level and calls one
     * {@code last_renewal_time}; the server puts them in {@code data} and names it {@code last_renewal}.
     */
    private static JsonNode leaseLookupOnTheWire(JsonNode doc) {
        ObjectNode data = doc.deepCopy();
        data.set("last_renewal", data.remove("last_renewal_time"));
        ObjectNode wire = VaultHttp.JSON.createObjectNode();
        wire.set("data", data);
        return wire;
    }

    /**
     * README "Known doc/code differences": transit read-key docs show {@code imported}, the code sends
     * {@code imported_key}.
     */
    private static JsonNode transitKeyOnTheWire(JsonNode doc) {
        ObjectNode wire = doc.deepCopy();
        ObjectNode data = (ObjectNode) wire.get("data");
        data.set("imported_key", data.remove("imported"));
        return wire;
    }

    /** Case file name (without .json) to what it needs. */
    private static final Map<String, Setup> SETUP = new LinkedHashMap<>();

    static {
        SETUP.put(
                "aws-config-rotate-root",
                nothing().then(v -> assertThat(v.awsRootRotations()).isEqualTo(1)));
        SETUP.put(
                "database-creds-dynamic",
                seed(v -> v.addDatabaseDynamicRole("my-role"))
                        .then(v -> assertThat(v.leaseIds()).anyMatch(id -> id.startsWith("database/creds/my-role/"))));
        SETUP.put("database-rotate-role-unknown", nothing());
        SETUP.put(
                "database-rotate-role",
                seed(v -> v.addDatabaseStaticRole("my-static-role", "static-user"))
                        .then(v -> assertThat(v.staticRoleRotations("my-static-role"))
                                .isEqualTo(1)));
        SETUP.put(
                "database-rotate-root",
                seed(v -> v.addDatabaseConnection("mysql"))
                        .then(v -> assertThat(v.databaseRootRotations("mysql")).isEqualTo(1)));
        SETUP.put("database-static-creds-unknown-role", nothing());
        SETUP.put(
                "database-static-creds",
                seed(v -> v.addDatabaseStaticRole("my-static-role", "static-user", Duration.ofSeconds(30))));
        SETUP.put("error-invalid-token-403", nothing()); // the file's token is unknown to a fresh dev Vault
        SETUP.put("error-missing-token-403", nothing());
        SETUP.put("error-no-handler-404", nothing());
        SETUP.put(
                "error-permission-denied-403",
                nothing()
                        .token(v -> v.createToken(Policy.named("prod-reader")
                                .path("secret/data/prod/*", Capability.READ)
                                .build())));
        SETUP.put("error-sealed-503", seed(DevVault::seal));
        SETUP.put("error-unsupported-operation-405", seed(versions(1)));
        SETUP.put("kv2-config-read", seed(v -> v.kvConfigure("secret", 0, false, Duration.parse("PT3H25M19S"))));
        SETUP.put("kv2-config-write", nothing());
        SETUP.put(
                "kv2-delete-latest",
                seed(versions(1))
                        .then(v -> assertThat(v.kvMetadata("secret", "my-secret")
                                        .orElseThrow()
                                        .current()
                                        .deleted())
                                .isTrue()));
        SETUP.put(
                "kv2-delete-metadata-all",
                seed(versions(2))
                        .then(v ->
                                assertThat(v.kvMetadata("secret", "my-secret")).isEmpty()));
        SETUP.put(
                "kv2-delete-versions",
                seed(versions(3))
                        .then(v -> assertThat(v.kvMetadata("secret", "my-secret")
                                        .orElseThrow()
                                        .versions()
                                        .values())
                                .extracting(KvMetadata.VersionInfo::deleted)
                                .containsExactly(true, true, false)));
        SETUP.put(
                "kv2-destroy-versions",
                seed(versions(2))
                        .then(v -> assertThat(v.kvMetadata("secret", "my-secret")
                                        .orElseThrow()
                                        .versions()
                                        .values())
                                .extracting(KvMetadata.VersionInfo::destroyed)
                                .containsExactly(true, true)));
        SETUP.put("kv2-invalid-v1-style-path", seed(versions(1)));
        SETUP.put("kv2-list-keys", seed(v -> {
            v.kvPut("secret", "foo", Map.of("a", "1"));
            v.kvPut("secret", "foo/bar", Map.of("a", "1"));
        }));
        SETUP.put("kv2-read-metadata-missing", nothing());
        SETUP.put("kv2-read-metadata", seed(versions(3).andThen(v -> {
            v.kvWriteMetadata(
                    "secret",
                    "my-secret",
                    Map.of("foo", "abc", "bar", "123", "baz", "5c07d823-3810-48f6-a147-4c06b5219e84"));
            v.kvConfigureKey("secret", "my-secret", 0, false, Duration.parse("PT3H25M19S"));
        })));
        SETUP.put("kv2-read-missing", nothing());
        SETUP.put("kv2-read-soft-deleted", seed(versions(2).andThen(v -> v.kvSoftDelete("secret", "my-secret"))));
        SETUP.put("kv2-read-version", seed(v -> {
            v.kvWriteMetadata("secret", "my-secret", OWNER_METADATA);
            v.kvPut("secret", "my-secret", Map.of("foo", "old"));
            v.kvPut("secret", "my-secret", Map.of("foo", "bar"));
            v.kvPut("secret", "my-secret", Map.of("foo", "newer"));
        }));
        SETUP.put(
                "kv2-undelete-versions",
                seed(versions(2).andThen(v -> v.kvSoftDelete("secret", "my-secret", 1, 2)))
                        .then(v -> assertThat(v.kvRead("secret", "my-secret")).containsEntry("foo", "value-2")));
        SETUP.put(
                "kv2-write-cas-mismatch",
                seed(versions(1))
                        .then(v -> assertThat(v.kvMetadata("secret", "my-secret")
                                        .orElseThrow()
                                        .currentVersion())
                                .isEqualTo(1)));
        SETUP.put(
                "kv2-write-cas-required-missing",
                seed(v -> v.kvConfigure("secret", 0, true, Duration.ZERO))
                        .then(v ->
                                assertThat(v.kvMetadata("secret", "my-secret")).isEmpty()));
        SETUP.put(
                "kv2-write-create-cas0",
                seed(v -> v.kvWriteMetadata("secret", "my-secret", OWNER_METADATA))
                        .then(v -> assertThat(v.kvRead("secret", "my-secret")).containsEntry("zip", "zap")));
        SETUP.put(
                "kv2-write-metadata",
                nothing()
                        .then(v -> assertThat(
                                        v.kvMetadata("secret", "my-secret").orElseThrow())
                                .satisfies(m -> assertThat(m.currentVersion()).isZero())
                                .satisfies(m -> assertThat(m.maxVersions()).isEqualTo(5))
                                .satisfies(m -> assertThat(m.customMetadata()).containsEntry("bar", "123"))));
        SETUP.put("kv2-write-no-data", seed(versions(1)));
        SETUP.put(
                "kv2-write-update-cas-match",
                seed(v -> {
                            v.kvWriteMetadata("secret", "my-secret", OWNER_METADATA);
                            v.kvPut("secret", "my-secret", Map.of("foo", "bar", "zip", "zap"));
                        })
                        .then(v -> assertThat(v.kvRead("secret", "my-secret")).containsEntry("foo", "bar2")));
        SETUP.put("sys-health-active-200", nothing());
        SETUP.put("sys-health-not-initialized-501", seed(v -> v.setInitialized(false)));
        SETUP.put("sys-health-sealed-503", seed(DevVault::seal));
        SETUP.put("sys-health-standby-429", seed(v -> v.setStandby(true)));
        SETUP.put("sys-leases-lookup-invalid", nothing());
        SETUP.put(
                "sys-leases-lookup",
                seed(v -> v.addLease("aws/creds/deploy/abcd-1234...")).wire(VaultContractTest::leaseLookupOnTheWire));
        SETUP.put("sys-leases-renew", seed(v -> v.addLease("aws/creds/deploy/abcd-1234...")));
        SETUP.put(
                "sys-leases-revoke-prefix",
                seed(v -> {
                            v.addLease("aws/creds/deploy/1");
                            v.addLease("aws/creds/other/2");
                            v.addLease("aws/credsextra/3");
                            v.addLease("database/creds/my-role/4");
                        })
                        .then(v -> assertThat(v.leaseIds())
                                .containsExactly("aws/credsextra/3", "database/creds/my-role/4")));
        SETUP.put(
                "sys-leases-revoke",
                seed(v -> v.addLease("postgresql/creds/readonly/abcd-1234..."))
                        .then(v -> assertThat(v.leaseExists("postgresql/creds/readonly/abcd-1234..."))
                                .isFalse()));
        SETUP.put("sys-mounts-list", nothing());
        SETUP.put("token-create-with-warnings", nothing());
        SETUP.put("token-lookup-self", nothing().token(VaultContractTest::tokenFromLdapLogin));
        SETUP.put("token-renew-self", nothing().token(VaultContractTest::renewableArmonToken));
        SETUP.put("token-revoke-accessor-unknown", nothing());
        SETUP.put(
                "token-revoke-accessor",
                seed(v -> v.createToken(TokenSpec.builder()
                                .id("token-behind-the-accessor")
                                .accessor("2c84f488-2133-4ced-87b0-570f93a76830")
                                .build()))
                        .then(v -> assertThat(v.tokenExists("token-behind-the-accessor"))
                                .isFalse()));
        SETUP.put(
                "transit-read-key", seed(v -> v.addTransitKey("my-key")).wire(VaultContractTest::transitKeyOnTheWire));
        SETUP.put("transit-rotate-key-not-found", nothing());
        SETUP.put(
                "transit-rotate-key",
                seed(v -> v.addTransitKey("my-key"))
                        .then(v -> assertThat(v.transitLatestVersion("my-key")).isEqualTo(2)));
        SETUP.put("userpass-login-invalid", seed(VaultContractTest::mitchellh));
        SETUP.put("userpass-login-success", seed(VaultContractTest::mitchellh));
    }

    // The replay -----------------------------------------------------------------------------------------------

    @Test
    void everyCaseFileIsPresentAndHasASetupRow() throws Exception {
        List<String> names =
                caseFiles().stream().map(VaultContractTest::caseName).toList();
        assertThat(names).hasSize(CASE_COUNT);
        assertThat(SETUP.keySet()).containsExactlyInAnyOrderElementsOf(names);
    }

    @TestFactory
    Stream<DynamicTest> devVaultAnswersLikeVault() throws Exception {
        List<Path> files = caseFiles();
        assertThat(files).hasSize(CASE_COUNT);
        return files.stream().map(file -> DynamicTest.dynamicTest(caseName(file), () -> replay(file)));
    }

    private static void replay(Path file) throws Exception {
        String name = caseName(file);
        Setup setup = SETUP.get(name);
        assertThat(setup).as("setup row for %s", name).isNotNull();
        JsonNode doc = VaultHttp.JSON.readTree(file.toFile());
        JsonNode request = doc.get("request");
        JsonNode response = doc.get("response");

        try (DevVault vault = DevVault.start()) {
            setup.seed().accept(vault);
            Map<String, String> headers = new LinkedHashMap<>();
            JsonNode docHeaders = request.get("headers");
            if (docHeaders != null) {
                docHeaders
                        .properties()
                        .forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
            }
            if (DOC_TOKEN.equals(headers.get("X-Vault-Token"))) {
                headers.put(
                        "X-Vault-Token",
                        setup.docToken() == null
                                ? vault.rootToken()
                                : setup.docToken().apply(vault));
            }
            JsonNode body = request.get("body");
            VaultHttp.Answer answer = new VaultHttp(vault.address())
                    .send(
                            request.get("method").asText(),
                            request.get("path").asText(),
                            headers,
                            body == null ? null : body.toString(),
                            Duration.ofSeconds(10));

            assertThat(answer.status())
                    .as("%s: status (body %s)", name, answer.body())
                    .isEqualTo(response.get("status").asInt());
            assertThat(answer.contentType()).as("Content-Type").isEqualTo("application/json");
            assertThat(answer.cacheControl()).as("Cache-Control").isEqualTo("no-store");
            JsonNode expected = response.get("body");
            if (expected == null || expected.isNull()) {
                assertThat(answer.body())
                        .as("%s: a %d has no body", name, answer.status())
                        .isEmpty();
            } else {
                JsonNode actual = answer.json();
                JsonNode onTheWire =
                        setup.onTheWire() == null ? expected : setup.onTheWire().apply(expected);
                assertSameShape(onTheWire, actual, "$");
                if (!actual.has("errors") && !request.get("path").asText().startsWith("/v1/sys/health")) {
                    assertEnvelope(actual);
                }
            }
            if (setup.after() != null) {
                setup.after().accept(vault);
            }
        }
    }

    /**
     * Every key of {@code expected} is in {@code actual} at the same place with the same JSON type, recursively.
     * Arrays: at least as many elements, compared by position. {@code errors} and {@code warnings} must be equal.
     */
    private static void assertSameShape(JsonNode expected, JsonNode actual, String at) {
        assertThat(actual).as("%s is missing", at).isNotNull();
        assertThat(actual.getNodeType())
                .as("JSON type at %s (got %s)", at, actual)
                .isEqualTo(expected.getNodeType());
        if (expected.isObject()) {
            for (Map.Entry<String, JsonNode> field : expected.properties()) {
                String path = at + "." + field.getKey();
                if (!actual.has(field.getKey())) {
                    fail("%s is missing; answer was %s", path, actual);
                }
                if (field.getKey().equals("errors") || field.getKey().equals("warnings")) {
                    assertThat(actual.get(field.getKey())).as(path).isEqualTo(field.getValue());
                } else {
                    assertSameShape(field.getValue(), actual.get(field.getKey()), path);
                }
            }
        } else if (expected.isArray()) {
            assertThat(actual.size()).as("elements at %s (got %s)", at, actual).isGreaterThanOrEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertSameShape(expected.get(i), actual.get(i), at + "[" + i + "]");
            }
        }
    }

    /** Vault's standard envelope: present on every non-error answer except sys/health. */
    private static void assertEnvelope(JsonNode body) {
        for (String key : ENVELOPE) {
            assertThat(body.has(key)).as("envelope key %s in %s", key, body).isTrue();
        }
        assertThat(body.get("request_id").asText()).matches(UUID);
        assertThat(body.get("lease_id").isTextual()).isTrue();
        assertThat(body.get("renewable").isBoolean()).isTrue();
        assertThat(body.get("lease_duration").isNumber()).isTrue();
        assertThat(body.get("wrap_info").isNull()).isTrue();
        JsonNode warnings = body.get("warnings");
        assertThat(warnings.isNull() || (warnings.isArray() && warnings.size() > 0))
                .as("warnings is null or a non-empty array: %s", warnings)
                .isTrue();
    }

    private static List<Path> caseFiles() throws IOException, URISyntaxException {
        Path dir =
                Path.of(VaultContractTest.class.getResource("/vault-contract").toURI());
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        }
    }

    private static String caseName(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".json".length());
    }
}
