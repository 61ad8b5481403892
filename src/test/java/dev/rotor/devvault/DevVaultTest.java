package dev.rotor.devvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour of the dev Vault beyond the single exchanges of the contract: state over several calls, switches. */
class DevVaultTest {
    private DevVault vault;
    private VaultHttp http;
    private String root;

    @BeforeEach
    void start() {
        vault = DevVault.start();
        http = new VaultHttp(vault.address());
        root = vault.rootToken();
    }

    @AfterEach
    void stop() {
        vault.close();
    }

    private VaultHttp.Answer write(String path, String token, Object body) throws Exception {
        return http.send("POST", "/v1/" + path, token, body);
    }

    private VaultHttp.Answer read(String path, String token) throws Exception {
        return http.send("GET", "/v1/" + path, token, null);
    }

    private static Map<String, Object> kvBody(Map<String, ?> data, Integer cas) {
        return cas == null ? Map.of("data", data) : Map.of("data", data, "options", Map.of("cas", cas));
    }

    @Test
    void kvVersionsCountUpAndCasMustMatchTheCurrentVersion() throws Exception {
        assertThat(write("secret/data/app", root, kvBody(Map.of("password", "a"), 0))
                        .json()
                        .at("/data/version")
                        .asInt())
                .isEqualTo(1);
        assertThat(write("secret/data/app", root, kvBody(Map.of("password", "b"), 1))
                        .json()
                        .at("/data/version")
                        .asInt())
                .isEqualTo(2);

        VaultHttp.Answer stale = write("secret/data/app", root, kvBody(Map.of("password", "c"), 1));
        assertThat(stale.status()).isEqualTo(400);
        assertThat(stale.json().get("errors").get(0).asText())
                .isEqualTo("check-and-set parameter did not match the current version");
        VaultHttp.Answer createOnly = write("secret/data/app", root, kvBody(Map.of("password", "c"), 0));
        assertThat(createOnly.status()).isEqualTo(400);

        assertThat(read("secret/data/app", root)
                        .json()
                        .at("/data/data/password")
                        .asText())
                .isEqualTo("b");
        assertThat(read("secret/data/app?version=1", root)
                        .json()
                        .at("/data/data/password")
                        .asText())
                .isEqualTo("a");
        assertThat(read("secret/data/app?version=7", root).status()).isEqualTo(404);
        assertThat(vault.kvMetadata("secret", "app").orElseThrow().currentVersion())
                .isEqualTo(2);

        VaultHttp.Answer notANumber =
                write("secret/data/app", root, Map.of("data", Map.of("a", "b"), "options", Map.of("cas", "two")));
        assertThat(notANumber.json().get("errors").get(0).asText()).isEqualTo("error parsing check-and-set parameter");
        assertThat(write("secret/data/app", root, kvBody(Map.of("password", "d"), null))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void concurrentWritesWithTheSameCasLetExactlyOneThrough() throws Exception {
        vault.kvPut("secret", "race", Map.of("v", "0"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> writers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                writers.add(() -> write("secret/data/race", root, kvBody(Map.of("v", "x"), 1))
                        .status());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(writers)) {
                statuses.add(f.get());
            }
            assertThat(statuses).containsOnlyOnce(200).filteredOn(s -> s != 200).containsOnly(400);
        } finally {
            pool.shutdownNow();
        }
        assertThat(vault.kvMetadata("secret", "race").orElseThrow().currentVersion())
                .isEqualTo(2);
    }

    @Test
    void casRequiredOnTheEngineOrTheKeyRefusesWritesWithoutCas() throws Exception {
        vault.kvConfigureKey("secret", "strict", 0, true, Duration.ZERO);
        VaultHttp.Answer refused = write("secret/data/strict", root, kvBody(Map.of("a", "1"), null));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).asText())
                .isEqualTo("check-and-set parameter required for this call");
        assertThat(write("secret/data/strict", root, kvBody(Map.of("a", "1"), 0))
                        .status())
                .isEqualTo(200);
        assertThat(write("secret/data/relaxed", root, kvBody(Map.of("a", "1"), null))
                        .status())
                .isEqualTo(200);

        assertThat(write("secret/config", root, Map.of("cas_required", true)).status())
                .isEqualTo(204);
        assertThat(write("secret/data/relaxed", root, kvBody(Map.of("a", "2"), null))
                        .status())
                .isEqualTo(400);
        VaultHttp.Answer ignored = write("secret/metadata/relaxed", root, Map.of("cas_required", false));
        assertThat(ignored.status()).isEqualTo(200);
        assertThat(ignored.json().get("warnings").get(0).asText()).contains("mandated by backend config");
        assertThat(read("secret/config", root).json().at("/data/cas_required").asBoolean())
                .isTrue();
    }

    @Test
    void maxVersionsPrunesTheOldestVersions() throws Exception {
        write("secret/metadata/short", root, Map.of("max_versions", 3));
        for (int i = 1; i <= 5; i++) {
            write("secret/data/short", root, kvBody(Map.of("n", String.valueOf(i)), null));
        }
        JsonNode meta = read("secret/metadata/short", root).json().get("data");
        assertThat(meta.get("current_version").asInt()).isEqualTo(5);
        assertThat(meta.get("oldest_version").asInt()).isEqualTo(3);
        assertThat(meta.get("versions").fieldNames()).toIterable().containsExactlyInAnyOrder("3", "4", "5");
        assertThat(read("secret/data/short?version=2", root).json().get("errors"))
                .isEmpty();

        vault.kvConfigure("secret", 0, false, Duration.ZERO);
        for (int i = 0; i < 12; i++) {
            vault.kvPut("secret", "default-limit", Map.of("n", i));
        }
        assertThat(vault.kvMetadata("secret", "default-limit").orElseThrow().versions())
                .hasSize(10);
    }

    @Test
    void softDeleteUndeleteAndDestroy() throws Exception {
        vault.kvPut("secret", "svc", Map.of("token", "one"));
        vault.kvPut("secret", "svc", Map.of("token", "two"));

        assertThat(http.send("DELETE", "/v1/secret/data/svc", root, null).status())
                .isEqualTo(204);
        VaultHttp.Answer deleted = read("secret/data/svc", root);
        assertThat(deleted.status()).isEqualTo(404);
        assertThat(deleted.json().at("/data/data").isNull()).isTrue();
        assertThat(deleted.json().at("/data/metadata/deletion_time").asText()).isNotEmpty();
        assertThat(vault.kvRead("secret", "svc")).isEmpty();
        assertThat(read("secret/data/svc?version=1", root).status()).isEqualTo(200);

        assertThat(write("secret/undelete/svc", root, Map.of("versions", List.of(2)))
                        .status())
                .isEqualTo(204);
        assertThat(vault.kvRead("secret", "svc")).containsEntry("token", "two");

        assertThat(write("secret/destroy/svc", root, Map.of("versions", List.of(1, 2)))
                        .status())
                .isEqualTo(204);
        assertThat(write("secret/undelete/svc", root, Map.of("versions", List.of(2)))
                        .status())
                .isEqualTo(204);
        VaultHttp.Answer destroyed = read("secret/data/svc", root);
        assertThat(destroyed.status()).isEqualTo(404);
        assertThat(destroyed.json().at("/data/metadata/destroyed").asBoolean()).isTrue();
        assertThat(vault.kvMetadata("secret", "svc").orElseThrow().currentVersion())
                .isEqualTo(2);

        assertThat(write("secret/data/svc", root, kvBody(Map.of("token", "x"), 0))
                        .status())
                .as("a key whose versions are all destroyed still exists")
                .isEqualTo(400);
        assertThat(write("secret/delete/svc", root, Map.of())
                        .json()
                        .get("errors")
                        .get(0)
                        .asText())
                .isEqualTo("No version number provided");
        assertThat(write("secret/destroy/svc", root, Map.of())
                        .json()
                        .get("errors")
                        .get(0)
                        .asText())
                .isEqualTo("no version number provided");

        assertThat(http.send("DELETE", "/v1/secret/metadata/svc", root, null).status())
                .isEqualTo(204);
        assertThat(write("secret/data/svc", root, kvBody(Map.of("token", "x"), 0))
                        .json()
                        .at("/data/version")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void customMetadataRoundTripsAndIsReplacedWhole() throws Exception {
        write(
                "secret/metadata/tagged",
                root,
                Map.of("custom_metadata", Map.of("rotor_command_id", "c-1", "reason", "leak")));
        vault.kvPut("secret", "tagged", Map.of("value", "v"));
        JsonNode meta = read("secret/metadata/tagged", root).json().at("/data/custom_metadata");
        assertThat(meta.get("rotor_command_id").asText()).isEqualTo("c-1");
        assertThat(read("secret/data/tagged", root)
                        .json()
                        .at("/data/metadata/custom_metadata/reason")
                        .asText())
                .isEqualTo("leak");

        write("secret/metadata/tagged", root, Map.of("custom_metadata", Map.of("rotated_at", "2026-01-01T00:00:00Z")));
        assertThat(vault.kvMetadata("secret", "tagged").orElseThrow().customMetadata())
                .containsOnlyKeys("rotated_at");
        write("secret/metadata/tagged", root, Map.of("max_versions", 4));
        assertThat(vault.kvMetadata("secret", "tagged").orElseThrow().customMetadata())
                .containsOnlyKeys("rotated_at");

        VaultHttp.Answer tooLong =
                write("secret/metadata/tagged", root, Map.of("custom_metadata", Map.of("k", "x".repeat(513))));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("errors").get(0).asText())
                .contains("custom_metadata validation failed")
                .doesNotContain("xxxx");
    }

    @Test
    void listingShowsFoldersWithATrailingSlash() throws Exception {
        vault.kvPut("secret", "prod/db", Map.of("a", "1"));
        vault.kvPut("secret", "prod/api/key", Map.of("a", "1"));
        VaultHttp.Answer viaGet = read("secret/metadata/prod?list=true", root);
        assertThat(viaGet.json().at("/data/keys")).extracting(JsonNode::asText).containsExactly("api/", "db");
        assertThat(http.send("LIST", "/v1/secret/metadata/prod/", root, null)
                        .json()
                        .at("/data/keys"))
                .hasSize(2);
        assertThat(http.send("LIST", "/v1/secret/metadata/nothing/", root, null).status())
                .isEqualTo(404);
    }

    @Test
    void aTokenThatMayReadButNotWriteGetsVaultsPermissionDenied() throws Exception {
        vault.kvPut("secret", "prod/db", Map.of("password", "p"));
        String reader = vault.createToken(Policy.named("prod-reader")
                .path("secret/data/prod/*", Capability.READ)
                .path("secret/metadata/+/", Capability.LIST)
                .build());

        assertThat(read("secret/data/prod/db", reader).status()).isEqualTo(200);
        VaultHttp.Answer denied = write("secret/data/prod/db", reader, kvBody(Map.of("password", "q"), 1));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body()).isEqualTo("{\"errors\":[\"permission denied\"]}");
        assertThat(read("secret/data/dev/db", reader).status()).isEqualTo(403);
        assertThat(http.send("LIST", "/v1/secret/metadata/prod/", reader, null).status())
                .isEqualTo(200);

        String creator = vault.createToken(Policy.parse(
                "creator",
                "path \"secret/data/new/*\" { capabilities = [\"create\"] }\n"
                        + "path \"secret/data/new/locked\" { capabilities = [\"deny\"] }"));
        assertThat(write("secret/data/new/a", creator, kvBody(Map.of("x", "1"), null))
                        .status())
                .isEqualTo(200);
        assertThat(write("secret/data/new/a", creator, kvBody(Map.of("x", "2"), null))
                        .status())
                .as("an update needs the update capability")
                .isEqualTo(403);
        assertThat(write("secret/data/new/locked", creator, kvBody(Map.of("x", "1"), null))
                        .status())
                .isEqualTo(403);

        VaultHttp.Answer bearer = http.send(
                "GET",
                "/v1/secret/data/prod/db",
                Map.of("Authorization", "Bearer " + reader),
                null,
                Duration.ofSeconds(5));
        assertThat(bearer.status()).isEqualTo(200);
        assertThat(read("secret/data/prod/db", null).json().get("errors").get(0).asText())
                .isEqualTo("permission denied");
        assertThat(read("secret/data/prod/db", "hvs.bogus")
                        .json()
                        .get("errors")
                        .get(0)
                        .asText())
                .contains("permission denied")
                .contains("invalid token");
    }

    @Test
    void revokePrefixNeedsSudo() throws Exception {
        vault.addLease("aws/creds/deploy/1");
        String noSudo = vault.createToken(
                Policy.named("leases").path("sys/leases/*", Capability.UPDATE).build());
        assertThat(http.send("PUT", "/v1/sys/leases/revoke-prefix/aws/creds", noSudo, null)
                        .status())
                .isEqualTo(403);
        String sudo = vault.createToken(Policy.named("leases-sudo")
                .path("sys/leases/revoke-prefix/*", Capability.UPDATE, Capability.SUDO)
                .build());
        assertThat(http.send("PUT", "/v1/sys/leases/revoke-prefix/aws/creds", sudo, null)
                        .status())
                .isEqualTo(204);
        assertThat(vault.leaseExists("aws/creds/deploy/1")).isFalse();
    }

    @Test
    void sealedVaultAnswers503EverywhereButHealthTellsWhy() throws Exception {
        vault.kvPut("secret", "app", Map.of("a", "1"));
        vault.seal();
        VaultHttp.Answer sealed = read("secret/data/app", root);
        assertThat(sealed.status()).isEqualTo(503);
        assertThat(sealed.body()).isEqualTo("{\"errors\":[\"Vault is sealed\"]}");
        assertThat(write("auth/approle/login", null, Map.of("role_id", "r", "secret_id", "s"))
                        .status())
                .isEqualTo(503);
        VaultHttp.Answer health = read("sys/health", null);
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json().get("sealed").asBoolean()).isTrue();
        assertThat(read("sys/health?sealedcode=200", null).status()).isEqualTo(200);

        vault.unseal();
        assertThat(read("secret/data/app", root).status()).isEqualTo(200);
        assertThat(read("sys/health", null).status()).isEqualTo(200);
        vault.setStandby(true);
        assertThat(read("sys/health", null).status()).isEqualTo(429);
        assertThat(read("sys/health?standbyok=true", null).status()).isEqualTo(200);
    }

    @Test
    void failNextAnswersTheStatusWithoutTouchingState() throws Exception {
        vault.failNext(2, 503);
        assertThat(write("secret/data/app", root, kvBody(Map.of("a", "1"), null))
                        .status())
                .isEqualTo(503);
        VaultHttp.Answer second = read("sys/health", null);
        assertThat(second.status()).isEqualTo(503);
        assertThat(second.json().get("errors")).isNotNull();
        assertThat(vault.kvMetadata("secret", "app")).isEmpty();
        assertThat(write("secret/data/app", root, kvBody(Map.of("a", "1"), null))
                        .status())
                .isEqualTo(200);

        vault.failNextMatching("/v1/database/", 1, 500);
        vault.addDatabaseStaticRole("svc", "svc-user");
        assertThat(read("secret/data/app", root).status()).isEqualTo(200);
        assertThat(write("database/rotate-role/svc", root, null).status()).isEqualTo(500);
        assertThat(vault.staticRoleRotations("svc")).isZero();
        assertThat(write("database/rotate-role/svc", root, null).status()).isEqualTo(204);
        assertThat(vault.requests()).filteredOn(Request::injected).hasSize(3);
    }

    @Test
    void responseDelaySlowsEveryAnswer() throws Exception {
        vault.setResponseDelay(Duration.ofMillis(400));
        assertThatThrownBy(() -> http.send("GET", "/v1/sys/health", Map.of(), null, Duration.ofMillis(150)))
                .isInstanceOf(HttpTimeoutException.class);
        long started = System.nanoTime();
        assertThat(read("sys/health", null).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        vault.setResponseDelay(Duration.ZERO);
    }

    @Test
    void aDroppedConnectionStillAppliesTheWrite() throws Exception {
        vault.kvPut("secret", "app", Map.of("password", "old"));
        vault.dropNextConnection("secret/data/app", Duration.ofMillis(500));
        assertThatThrownBy(() -> http.send(
                        "POST",
                        "/v1/secret/data/app",
                        Map.of("X-Vault-Token", root),
                        kvBody(Map.of("password", "new"), 1),
                        Duration.ofMillis(200)))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(vault.kvRead("secret", "app")).containsEntry("password", "new");
        assertThat(read("secret/metadata/app", root)
                        .json()
                        .at("/data/current_version")
                        .asInt())
                .isEqualTo(2);

        // POST, because Java's HttpClient quietly retries an idempotent GET once after a reset connection
        vault.dropNextConnection("secret/", Duration.ZERO);
        assertThatThrownBy(() -> write("secret/data/app", root, kvBody(Map.of("password", "newer"), 2)))
                .isInstanceOf(IOException.class);
        assertThat(vault.kvRead("secret", "app")).containsEntry("password", "newer");
        assertThat(vault.requests()).filteredOn(Request::dropped).hasSize(2);
    }

    @Test
    void rotatingAStaticRoleChangesItsPassword() throws Exception {
        vault.addDatabaseStaticRole("orders", "orders-app");
        JsonNode before = read("database/static-creds/orders", root).json().get("data");
        Thread.sleep(5);
        assertThat(write("database/rotate-role/orders", root, null).status()).isEqualTo(204);
        JsonNode after = read("database/static-creds/orders", root).json().get("data");
        assertThat(after.get("username").asText()).isEqualTo("orders-app");
        assertThat(after.get("password").asText())
                .isNotEqualTo(before.get("password").asText())
                .isEqualTo(vault.staticRolePassword("orders"));
        assertThat(after.get("last_vault_rotation").asText())
                .isNotEqualTo(before.get("last_vault_rotation").asText());
        assertThat(read("database/static-creds/orders", root)
                        .json()
                        .at("/lease_id")
                        .asText())
                .isEmpty();
    }

    @Test
    void transitRotateBumpsTheLatestVersion() throws Exception {
        vault.addTransitKey("payments");
        JsonNode rotated =
                write("transit/keys/payments/rotate", root, null).json().get("data");
        assertThat(rotated.get("latest_version").asInt()).isEqualTo(2);
        assertThat(rotated.get("keys").fieldNames()).toIterable().containsExactly("1", "2");
        write("transit/keys/payments/rotate", root, null);
        assertThat(vault.transitLatestVersion("payments")).isEqualTo(3);
        assertThat(read("transit/keys/payments", root)
                        .json()
                        .at("/data/latest_version")
                        .asInt())
                .isEqualTo(3);
        assertThat(read("transit/keys/nope", root).status()).isEqualTo(404);
    }

    @Test
    void revokePrefixRemovesOnlyMatchingLeases() throws Exception {
        vault.addDatabaseDynamicRole("readonly");
        JsonNode creds = read("database/creds/readonly", root).json();
        String dynamicLease = creds.get("lease_id").asText();
        assertThat(dynamicLease).startsWith("database/creds/readonly/");
        assertThat(creds.get("renewable").asBoolean()).isTrue();
        vault.addLease("database/creds/other/1");
        vault.addLease("database/creds/readonly-x/2");
        vault.addLease("aws/creds/deploy/3");

        assertThat(http.send("PUT", "/v1/sys/leases/revoke-prefix/database/creds/readonly", root, null)
                        .status())
                .isEqualTo(204);
        assertThat(vault.leaseIds())
                .containsExactly("aws/creds/deploy/3", "database/creds/other/1", "database/creds/readonly-x/2");
        assertThat(write("sys/leases/revoke-prefix/aws", root, Map.of("sync", false))
                        .status())
                .isEqualTo(202);
        assertThat(vault.leaseExists("aws/creds/deploy/3")).isFalse();
    }

    @Test
    void appRoleLoginGivesATokenWithTheRolePolicies() throws Exception {
        vault.definePolicy(Policy.named("rotor")
                .path("secret/data/*", Capability.READ, Capability.UPDATE)
                .build());
        vault.addAppRole("rotor-role-id", "rotor-secret-id", "rotor");
        vault.kvPut("secret", "app", Map.of("a", "1"));

        VaultHttp.Answer login =
                write("auth/approle/login", null, Map.of("role_id", "rotor-role-id", "secret_id", "rotor-secret-id"));
        assertThat(login.status()).isEqualTo(200);
        JsonNode auth = login.json().get("auth");
        assertThat(auth.get("policies")).extracting(JsonNode::asText).containsExactly("default", "rotor");
        assertThat(auth.at("/metadata/role_name").asText()).isEqualTo("rotor-role-id");
        String token = auth.get("client_token").asText();
        assertThat(read("secret/data/app", token).status()).isEqualTo(200);
        assertThat(read("auth/token/lookup-self", token).json().at("/data/policies"))
                .extracting(JsonNode::asText)
                .containsExactly("default", "rotor");

        VaultHttp.Answer wrong =
                write("auth/approle/login", null, Map.of("role_id", "rotor-role-id", "secret_id", "guess"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).isEqualTo("{\"errors\":[\"invalid role or secret ID\"]}");
        assertThat(write("auth/approle/login", null, Map.of("role_id", "nope", "secret_id", "rotor-secret-id"))
                        .body())
                .isEqualTo("{\"errors\":[\"invalid role or secret ID\"]}");
    }

    @Test
    void tokensCanBeCreatedRenewedAndRevokedByAccessor() throws Exception {
        VaultHttp.Answer created =
                write("auth/token/create", root, Map.of("policies", List.of("reader"), "ttl", "30m"));
        JsonNode auth = created.json().get("auth");
        String child = auth.get("client_token").asText();
        assertThat(auth.get("lease_duration").asInt()).isEqualTo(1800);
        assertThat(created.json().get("warnings").get(0).asText()).isEqualTo("Policy \"reader\" does not exist");
        assertThat(write("auth/token/renew-self", child, Map.of("increment", "1h"))
                        .json()
                        .at("/auth/lease_duration")
                        .asInt())
                .isEqualTo(3600);
        assertThat(write(
                                "auth/token/revoke-accessor",
                                root,
                                Map.of("accessor", auth.get("accessor").asText()))
                        .status())
                .isEqualTo(204);
        assertThat(vault.tokenExists(child)).isFalse();
        assertThat(write("auth/token/revoke-accessor", root, Map.of()).body())
                .isEqualTo("{\"errors\":[\"missing accessor\"]}");
    }

    @Test
    void unknownParametersAreReportedAndBadJsonIsA400() throws Exception {
        VaultHttp.Answer answer =
                write("secret/data/app", root, Map.of("data", Map.of("a", "1"), "zeta", 1, "alpha", 2));
        assertThat(answer.json().get("warnings").get(0).asText())
                .isEqualTo("Endpoint ignored these unrecognized parameters: [alpha zeta]");
        VaultHttp.Answer malformed = http.send("POST", "/v1/secret/data/app", root, "{\"data\": {\"password\": \"s3cr");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body())
                .startsWith("{\"errors\":[\"failed to parse JSON input")
                .doesNotContain("s3cr");
    }

    @Test
    void theRequestLogHoldsNoBodiesOrTokensAndCountsCalls() throws Exception {
        vault.addUserpassUser("alice", "correct horse", "default");
        write("auth/userpass/login/alice", null, Map.of("password", "correct horse"));
        write("secret/data/app", root, kvBody(Map.of("password", "hunter2"), null));
        http.send(
                "GET",
                "/v1/secret/data/app",
                Map.of("X-Vault-Token", root, "X-Vault-Namespace", "team-a/"),
                null,
                Duration.ofSeconds(5));

        assertThat(vault.requests())
                .extracting(Request::method, Request::path, Request::status)
                .containsExactly(
                        Tuple.tuple("POST", "/v1/auth/userpass/login/alice", 200),
                        Tuple.tuple("POST", "/v1/secret/data/app", 200),
                        Tuple.tuple("GET", "/v1/secret/data/app", 200));
        assertThat(vault.requests().get(2).namespace()).isEqualTo("team-a/");
        assertThat(vault.requests().toString()).doesNotContain("hunter2", "correct horse", root);
        assertThat(vault.callCount("POST", "secret/data/app")).isEqualTo(1);
        vault.clearRequests();
        assertThat(vault.requests()).isEmpty();
        assertThat(vault.callCount("GET", "/v1/secret/data/app")).isEqualTo(1);
    }

    @Test
    void extraKvMountsWorkLikeSecret() throws Exception {
        vault.mountKv2("team-kv");
        assertThat(write("team-kv/data/x", root, kvBody(Map.of("a", "1"), 0)).status())
                .isEqualTo(200);
        assertThat(vault.kvRead("team-kv", "x")).containsEntry("a", "1");
        assertThat(write("sys/mounts/other-kv", root, Map.of("type", "kv", "options", Map.of("version", "2")))
                        .status())
                .isEqualTo(204);
        JsonNode mounts = read("sys/mounts", root).json();
        assertThat(mounts.at("/data/other-kv~1/options/version").asText()).isEqualTo("2");
        assertThat(mounts.has("team-kv/"))
                .as("sys/mounts copies data to the top level")
                .isTrue();
    }

    @Test
    void redirectNextAnswersA3xxWithTheTargetAndTheSamePathWithoutApplyingTheRequest() throws Exception {
        vault.kvPut("secret", "moved", Map.of("password", "old"));
        vault.redirectNext("POST", "secret/data/moved", 1, 307, "http://127.0.0.1:1/");
        HttpClient noFollow = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();

        assertThat(read("secret/data/moved", root).status())
                .as("GET is not matched")
                .isEqualTo(200);
        HttpResponse<String> answer = noFollow.send(
                HttpRequest.newBuilder(URI.create(vault.address() + "/v1/secret/data/moved?x=1"))
                        .header("X-Vault-Token", root)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                VaultHttp.JSON.writeValueAsString(kvBody(Map.of("password", "new"), 1))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(307);
        assertThat(answer.headers().firstValue("Location")).contains("http://127.0.0.1:1/v1/secret/data/moved?x=1");
        assertThat(vault.kvMetadata("secret", "moved").orElseThrow().currentVersion())
                .isEqualTo(1);
        assertThat(vault.requests())
                .filteredOn(Request::injected)
                .extracting(Request::status)
                .containsExactly(307);
        assertThat(write("secret/data/moved", root, kvBody(Map.of("password", "new"), 1))
                        .status())
                .as("only the next request is redirected")
                .isEqualTo(200);
    }

    @Test
    void failMatchingLetsSkippedRequestsThroughAndOnlyMatchesItsMethod() throws Exception {
        vault.kvPut("secret", "meta", Map.of("password", "old"));
        vault.failMatching("POST", "secret/metadata/meta", 1, 2, 500);

        assertThat(read("secret/metadata/meta", root).status()).isEqualTo(200);
        assertThat(write("secret/metadata/meta", root, Map.of("custom_metadata", Map.of("a", "1")))
                        .status())
                .as("first POST let through")
                .isEqualTo(204);
        assertThat(write("secret/metadata/meta", root, Map.of("custom_metadata", Map.of("a", "2")))
                        .status())
                .isEqualTo(500);
        assertThat(write("secret/metadata/meta", root, Map.of("custom_metadata", Map.of("a", "3")))
                        .status())
                .isEqualTo(500);
        assertThat(write("secret/metadata/meta", root, Map.of("custom_metadata", Map.of("a", "4")))
                        .status())
                .isEqualTo(204);
        assertThat(vault.kvMetadata("secret", "meta").orElseThrow().customMetadata())
                .containsEntry("a", "4");
    }

    @Test
    void dropNextConnectionWithAMethodLeavesOtherMethodsAlone() throws Exception {
        vault.kvPut("secret", "dropped", Map.of("password", "old"));
        vault.dropNextConnection("POST", "secret/data/dropped", Duration.ZERO);

        assertThat(read("secret/data/dropped", root).status()).isEqualTo(200);
        assertThatThrownBy(() -> write("secret/data/dropped", root, kvBody(Map.of("password", "new"), 1)))
                .isInstanceOf(IOException.class);
        assertThat(vault.kvMetadata("secret", "dropped").orElseThrow().currentVersion())
                .isEqualTo(2);
    }

    @Test
    void customMetadataValuesAreLimitedTo512Utf8BytesAsGoCountsThem() throws Exception {
        vault.kvPut("secret", "bytes", Map.of("password", "old"));

        assertThat(write("secret/metadata/bytes", root, Map.of("custom_metadata", Map.of("k", "x".repeat(512))))
                        .status())
                .isEqualTo(204);
        VaultHttp.Answer wide =
                write("secret/metadata/bytes", root, Map.of("custom_metadata", Map.of("k", "\u00e9".repeat(300))));
        assertThat(wide.status()).as("300 characters, 600 bytes").isEqualTo(400);
        assertThat(wide.body()).contains("custom_metadata validation failed");
    }

    @Test
    void shortLivedTokensExpireUnlessRenewedAndNonRenewableOnesCannotBeRenewed() throws Exception {
        String renewable =
                vault.createToken(TokenSpec.builder().ttl(Duration.ofSeconds(2)).build());
        String fixed = vault.createToken(
                TokenSpec.builder().ttl(Duration.ofSeconds(2)).renewable(false).build());

        JsonNode lookup = read("auth/token/lookup-self", renewable).json().get("data");
        assertThat(lookup.get("renewable").asBoolean()).isTrue();
        assertThat(lookup.get("ttl").asLong()).isBetween(1L, 2L);
        assertThat(lookup.get("expire_time").asText()).isNotEmpty();
        assertThat(write("auth/token/renew-self", fixed, null).body())
                .isEqualTo("{\"errors\":[\"lease is not renewable\"]}");
        for (int i = 0; i < 3; i++) {
            Thread.sleep(1000);
            assertThat(write("auth/token/renew-self", renewable, null).status()).isEqualTo(200);
        }

        assertThat(read("auth/token/lookup-self", renewable).status()).isEqualTo(200);
        VaultHttp.Answer expired = read("auth/token/lookup-self", fixed);
        assertThat(expired.status()).isEqualTo(403);
        assertThat(expired.body()).contains("invalid token");
    }
}
