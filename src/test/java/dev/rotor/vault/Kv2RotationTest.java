package dev.rotor.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.rotor.devvault.Capability;
import dev.rotor.devvault.KvMetadata;
import dev.rotor.devvault.Policy;
import dev.rotor.vault.RotationOutcome.Kind;
import dev.rotor.vault.RotationOutcome.VaultCall;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kv2 strategy against the dev Vault over HTTP. Assertions on secret values are boolean checks with a description,
 * so a failing test never prints a value.
 */
class Kv2RotationTest {
    private static final String TARGETS = """
            targets:
              - pattern: "secret/fields/**"
                strategy: kv2
                fields: [pin, passphrase]
                generator: {format: hex, length: 40}
              - pattern: "secret/uuid/**"
                strategy: kv2
                generator: {format: uuid}
              - pattern: "secret/prefixed/**"
                strategy: kv2
                generator: {prefix: "sk_live_", length: 48, alphabet: "abcdefghijklmnopqrstuvwxyz0123456789"}
              - pattern: "secret/destroy/**"
                strategy: kv2
                quarantine: destroy
              - pattern: "secret/keep/**"
                strategy: kv2
                quarantine: none
              - pattern: "secret/cascade/**"
                strategy: kv2
                dependents: ["secret/app/downstream-a", "database/static-roles/app"]
              - pattern: "kv/team/**"
                strategy: kv2
                mount: kv/team
              - pattern: "secret/**"
                strategy: kv2
            """;

    @RegisterExtension
    static final VaultFixture fx = new VaultFixture();

    private static VaultRotator rotator;

    @BeforeAll
    static void start() {
        rotator = fx.rotator(TARGETS);
    }

    @Test
    void rotatesValueKeepsOtherFieldsRecordsMetadataAndSoftDeletesThePreviousVersion() {
        final String p = VaultFixture.unique("app/db");
        fx.vault.kvPut("secret", p, Map.of("value", "seed-value-1", "host", "db.internal", "port", 5432));
        final RotationRequest req = VaultFixture.request("secret/" + p);

        final RotationOutcome o = rotator.rotate(req);

        assertThat(o.kind()).isEqualTo(Kind.ROTATED);
        assertThat(o.error()).isNull();
        assertThat(o.strategy()).isEqualTo("kv2");
        assertThat(o.oldVersion()).isEqualTo(1L);
        assertThat(o.newVersion()).isEqualTo(2L);
        assertThat(o.calls())
                .extracting(VaultCall::method, VaultCall::path, VaultCall::status)
                .containsExactly(
                        tuple("GET", "secret/data/" + p, 200),
                        tuple("POST", "secret/metadata/" + p, 204),
                        tuple("POST", "secret/data/" + p, 200),
                        tuple("POST", "secret/delete/" + p, 204),
                        tuple("POST", "secret/metadata/" + p, 204));

        final Map<String, Object> data = fx.data("secret", p);
        final String value = (String) data.get("value");
        assertThat(value.equals("seed-value-1")).as("value changed").isFalse();
        assertThat(Shapes.defaultAlphabet(value, 32))
                .as("32 characters of the seed's alphabet")
                .isTrue();
        assertThat(data)
                .containsEntry("host", "db.internal")
                .containsEntry("port", 5432)
                .hasSize(3);

        final KvMetadata m = fx.vault.kvMetadata("secret", p).orElseThrow();
        assertThat(m.currentVersion()).isEqualTo(2);
        assertThat(m.customMetadata())
                .containsEntry("rotor_command_id", req.commandId())
                .containsEntry("rotor_state", "rotated")
                .containsEntry("rotor_replaces_version", "1")
                .containsEntry("rotor_new_version", "2")
                .containsKey("rotor_intent_at")
                .containsEntry("rotated_by", "rotor")
                .containsEntry("reason", "test: leaked_credential")
                .containsKey("rotated_at");
        assertThat(Instant.parse(m.customMetadata().get("rotated_at")))
                .isBetween(Instant.now().minusSeconds(30), Instant.now());
        assertThat(m.customMetadata().get("rotated_at")).endsWith("Z");
        assertThat(m.versions().get(1).deleted())
                .as("previous version soft-deleted")
                .isTrue();
        assertThat(m.versions().get(1).destroyed()).isFalse();
        assertThat(m.versions().get(2).deleted()).isFalse();
    }

    @Test
    void withoutValueFieldRotatesEveryCredentialNamedFieldAndKeepsExistingCustomMetadata() {
        final String p = VaultFixture.unique("app/svc");
        fx.vault.kvPut(
                "secret",
                p,
                Map.of(
                        "username",
                        "svc",
                        "DB_Password",
                        "pw-1",
                        "stripe_API_KEY",
                        "ak-1",
                        "client_secret",
                        "cs-1",
                        "refresh_token",
                        "rt-1",
                        "host",
                        "h"));
        fx.vault.kvWriteMetadata("secret", p, Map.of("owner", "team-a"));

        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/" + p));

        assertThat(o.kind()).isEqualTo(Kind.ROTATED);
        final Map<String, Object> data = fx.data("secret", p);
        assertThat(data).containsEntry("username", "svc").containsEntry("host", "h");
        for (final Map.Entry<String, String> old : Map.of(
                        "DB_Password",
                        "pw-1",
                        "stripe_API_KEY",
                        "ak-1",
                        "client_secret",
                        "cs-1",
                        "refresh_token",
                        "rt-1")
                .entrySet()) {
            assertThat(old.getValue().equals(data.get(old.getKey())))
                    .as(old.getKey() + " changed")
                    .isFalse();
        }
        assertThat(fx.vault.kvMetadata("secret", p).orElseThrow().customMetadata())
                .containsEntry("owner", "team-a")
                .containsKey("rotor_command_id");
    }

    @Test
    void fieldsOptionRotatesOnlyTheNamedFieldsWithTheHexGenerator() {
        final String p = VaultFixture.unique("fields/card");
        fx.vault.kvPut("secret", p, Map.of("pin", "1234", "passphrase", "pp", "password", "untouched"));

        assertThat(rotator.rotate(VaultFixture.request("secret/" + p)).kind()).isEqualTo(Kind.ROTATED);

        final Map<String, Object> data = fx.data("secret", p);
        assertThat(Shapes.hex((String) data.get("pin"), 40))
                .as("pin is 40 hex digits")
                .isTrue();
        assertThat(Shapes.hex((String) data.get("passphrase"), 40))
                .as("passphrase is 40 hex digits")
                .isTrue();
        assertThat("untouched".equals(data.get("password"))).as("password kept").isTrue();
    }

    @Test
    void uuidAndPrefixGeneratorsProduceValuesOfTheirShape() {
        final String u = VaultFixture.unique("uuid/key");
        fx.vault.kvPut("secret", u, Map.of("value", "v"));
        final String s = VaultFixture.unique("prefixed/key");
        fx.vault.kvPut("secret", s, Map.of("api_key", "k"));

        assertThat(rotator.rotate(VaultFixture.request("secret/" + u)).kind()).isEqualTo(Kind.ROTATED);
        assertThat(rotator.rotate(VaultFixture.request("secret/" + s)).kind()).isEqualTo(Kind.ROTATED);

        assertThat(Shapes.uuid(fx.field("secret", u, "value")))
                .as("a version 4 UUID")
                .isTrue();
        final String key = fx.field("secret", s, "api_key");
        assertThat(key.startsWith("sk_live_")
                        && key.length() == 8 + 48
                        && key.substring(8).chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
                .as("sk_live_ + 48 characters of the configured alphabet")
                .isTrue();
    }

    @Test
    void destroyQuarantineDestroysThePreviousVersion() {
        final String p = VaultFixture.unique("destroy/db");
        fx.vault.kvPut("secret", p, Map.of("password", "a"));

        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/" + p));

        assertThat(o.kind()).isEqualTo(Kind.ROTATED);
        assertThat(o.calls()).extracting(VaultCall::path).contains("secret/destroy/" + p);
        final KvMetadata m = fx.vault.kvMetadata("secret", p).orElseThrow();
        assertThat(m.versions().get(1).destroyed()).isTrue();
        assertThat(m.versions().get(2).destroyed()).isFalse();
    }

    @Test
    void noneQuarantineLeavesThePreviousVersionReadable() {
        final String p = VaultFixture.unique("keep/db");
        fx.vault.kvPut("secret", p, Map.of("password", "a"));

        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/" + p));

        assertThat(o.kind()).isEqualTo(Kind.ROTATED);
        assertThat(o.calls())
                .as("read, intent, write, done marker: no quarantine call")
                .hasSize(4);
        final KvMetadata m = fx.vault.kvMetadata("secret", p).orElseThrow();
        assertThat(m.versions().get(1).deleted()).isFalse();
        assertThat(m.versions().get(1).destroyed()).isFalse();
    }

    @Test
    void multiSegmentMountFromTheTargetOption() {
        fx.vault.mountKv2("kv/team");
        final String p = VaultFixture.unique("app/db");
        fx.vault.kvPut("kv/team", p, Map.of("password", "a", "user", "u"));

        final RotationOutcome o = rotator.rotate(VaultFixture.request("kv/team/" + p));

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        assertThat(o.calls()).extracting(VaultCall::path).contains("kv/team/data/" + p, "kv/team/metadata/" + p);
        assertThat(fx.vault.kvMetadata("kv/team", p).orElseThrow().currentVersion())
                .isEqualTo(2);
    }

    @Test
    void dependentsAreReturnedAfterASuccessfulRotation() {
        final String p = VaultFixture.unique("cascade/root");
        fx.vault.kvPut("secret", p, Map.of("password", "a"));

        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/" + p));

        assertThat(o.kind()).isEqualTo(Kind.ROTATED);
        assertThat(o.dependents()).containsExactly("secret/app/downstream-a", "database/static-roles/app");
    }

    @Test
    void missingSecretFailsAndIsNotCreated() {
        final String p = VaultFixture.unique("app/missing");

        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/" + p));

        assertThat(o.kind()).isEqualTo(Kind.FAILED);
        assertThat(o.error()).startsWith("secret/data/" + p + " not found");
        assertThat(fx.vault.kvMetadata("secret", p)).isEmpty();
        assertThat(fx.count("POST", "secret/data/" + p)).isZero();
        assertThat(o.dependents()).isEmpty();
    }

    @Test
    void softDeletedLatestVersionFailsWithAClearMessage() {
        final String p = VaultFixture.unique("app/deleted");
        fx.vault.kvPut("secret", p, Map.of("password", "a"));
        fx.vault.kvSoftDelete("secret", p);

        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/" + p));

        assertThat(o.kind()).isEqualTo(Kind.FAILED);
        assertThat(o.error())
                .isEqualTo("the latest version (1) of secret/" + p
                        + " is deleted; not rotated (undelete it or write a new version first)");
        assertThat(fx.count("POST", "secret/data/" + p)).isZero();
    }

    @Test
    void secretWithoutCredentialFieldsFailsNamingTheFieldNames() {
        final String p = VaultFixture.unique("app/plain");
        fx.vault.kvPut("secret", p, Map.of("host", "db", "port", "5432", "user", "admin"));

        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/" + p));

        assertThat(o.kind()).isEqualTo(Kind.FAILED);
        assertThat(o.error()).contains("no field to rotate in secret/" + p).contains("(its fields: host, port, user)");
        assertThat(fx.count("POST", "secret/data/" + p)).isZero();
    }

    @Test
    void permissionDeniedFailsAtOnceAfterExactlyOneWriteAttempt() {
        final String token = fx.vault.createToken(Policy.named("kv-data-read-only")
                .path("secret/data/*", Capability.READ)
                .path("secret/metadata/*", Capability.READ, Capability.UPDATE)
                .build());
        final VaultRotator readOnly = fx.rotator(fx.tokenClient(token), TARGETS);
        final String p = VaultFixture.unique("app/ro");
        fx.vault.kvPut("secret", p, Map.of("password", "a"));

        final long t0 = System.nanoTime();
        final RotationOutcome o = readOnly.rotate(VaultFixture.request("secret/" + p));

        assertThat(o.kind()).isEqualTo(Kind.FAILED);
        assertThat(o.error()).isEqualTo("permission denied on secret/data/" + p);
        assertThat(fx.count("POST", "secret/data/" + p)).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        assertThat(fx.vault.kvMetadata("secret", p).orElseThrow().currentVersion())
                .isEqualTo(1);
    }

    @Test
    void sealedVaultIsRetriedUntilTheDeadlineThenFailsWithTheSealedMessage() {
        final String p = VaultFixture.unique("app/sealed");
        fx.vault.kvPut("secret", p, Map.of("password", "a"));
        fx.vault.seal();

        final long t0 = System.nanoTime();
        final RotationOutcome o =
                rotator.rotate(VaultFixture.request("secret/" + p, false, Instant.now(), Duration.ofMillis(1500)));
        final Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(o.kind()).isEqualTo(Kind.FAILED);
        assertThat(o.error()).matches("Vault is sealed \\(503\\) on secret/data/" + p + "; gave up after 1\\.[5-9]s");
        assertThat(o.calls())
                .hasSizeGreaterThan(3)
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(503));
        assertThat(took).isBetween(Duration.ofMillis(1400), Duration.ofMillis(2500));
    }

    @Test
    void transientErrorsOnReadsAreRetried() {
        final String p = VaultFixture.unique("app/flaky");
        fx.vault.kvPut("secret", p, Map.of("password", "a"));
        fx.vault.failNextMatching("secret/data/" + p, 2, 500);

        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/" + p));

        assertThat(o.kind()).isEqualTo(Kind.ROTATED);
        assertThat(o.calls()).extracting(VaultCall::status).startsWith(500, 500, 200, 204, 200);
    }

    @Test
    void casConflictFromAConcurrentWriterIsReReadAndTheOtherWritersFieldsAreKept() throws Exception {
        final String p = VaultFixture.unique("app/cas");
        fx.vault.kvPut("secret", p, Map.of("password", "pw-1", "owner", "team-a"));
        fx.vault.setResponseDelay(Duration.ofMillis(150));

        final CompletableFuture<RotationOutcome> running =
                CompletableFuture.supplyAsync(() -> rotator.rotate(VaultFixture.request("secret/" + p)));
        // our read has been answered and our write will wait in the dev Vault's delay: another writer gets in first
        fx.awaitRequest("GET", "secret/data/" + p, 1);
        fx.vault.kvPut("secret", p, Map.of("password", "pw-1", "owner", "team-b", "added", "by-other-writer"));
        fx.vault.setResponseDelay(Duration.ZERO);
        final RotationOutcome o = running.get(10, TimeUnit.SECONDS);

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        assertThat(o.calls())
                .filteredOn(c -> c.method().equals("POST") && c.path().equals("secret/data/" + p))
                .extracting(VaultCall::status)
                .containsExactly(400, 200);
        assertThat(o.oldVersion()).isEqualTo(2L);
        assertThat(o.newVersion()).isEqualTo(3L);
        final Map<String, Object> data = fx.data("secret", p);
        assertThat(data).containsEntry("owner", "team-b").containsEntry("added", "by-other-writer");
        assertThat("pw-1".equals(data.get("password"))).as("password rotated").isFalse();
        final KvMetadata m = fx.vault.kvMetadata("secret", p).orElseThrow();
        assertThat(m.currentVersion()).isEqualTo(3);
        assertThat(m.versions().get(1).deleted() && m.versions().get(2).deleted())
                .as("both versions holding the old password are quarantined")
                .isTrue();
    }

    @Test
    void replayOfAnAppliedCommandIsAlreadyAppliedAndWritesNothing() {
        final String p = VaultFixture.unique("app/replay");
        fx.vault.kvPut("secret", p, Map.of("password", "a"));
        final RotationRequest req = VaultFixture.request("secret/" + p);
        fx.vault.kvWriteMetadata("secret", p, Map.of("rotor_command_id", req.commandId()));

        final RotationOutcome o = rotator.rotate(req);

        assertThat(o.kind()).isEqualTo(Kind.ALREADY_APPLIED);
        assertThat(o.newVersion()).isEqualTo(1L);
        assertThat(o.calls()).extracting(VaultCall::method).containsOnly("GET");
        assertThat(fx.vault.kvMetadata("secret", p).orElseThrow().currentVersion())
                .isEqualTo(1);
    }

    @Test
    void rotatingTheSameCommandTwiceRotatesOnce() {
        final String p = VaultFixture.unique("app/twice");
        fx.vault.kvPut("secret", p, Map.of("password", "a"));
        final RotationRequest req = VaultFixture.request("secret/" + p);

        assertThat(rotator.rotate(req).kind()).isEqualTo(Kind.ROTATED);
        assertThat(rotator.rotate(req).kind()).isEqualTo(Kind.ALREADY_APPLIED);
        assertThat(fx.vault.kvMetadata("secret", p).orElseThrow().currentVersion())
                .isEqualTo(2);
    }

    @Test
    void secretWrittenAfterTheTriggerIsAlreadyMitigatedUnlessManual() {
        final String p = VaultFixture.unique("app/late");
        fx.vault.kvPut("secret", p, Map.of("password", "a"));
        final Instant trigger = Instant.now().minusSeconds(60);

        final RotationOutcome late =
                rotator.rotate(VaultFixture.request("secret/" + p, false, trigger, Duration.ofSeconds(5)));
        assertThat(late.kind()).isEqualTo(Kind.ALREADY_MITIGATED);
        assertThat(late.success()).isTrue();
        assertThat(fx.count("POST", "secret/data/" + p)).isZero();

        final RotationOutcome manual =
                rotator.rotate(VaultFixture.request("secret/" + p, true, trigger, Duration.ofSeconds(5)));
        assertThat(manual.kind()).isEqualTo(Kind.ROTATED);
        assertThat(fx.vault.kvMetadata("secret", p).orElseThrow().currentVersion())
                .isEqualTo(2);
    }

    /** Writes version 1 ({@code before}), takes the trigger's time, writes version 2 ({@code after}). */
    private Instant writtenAroundTheTrigger(final String p, final Map<String, ?> before, final Map<String, ?> after)
            throws InterruptedException {
        fx.vault.kvPut("secret", p, before);
        Thread.sleep(5);
        final Instant trigger = Instant.now();
        Thread.sleep(5);
        fx.vault.kvPut("secret", p, after);
        return trigger;
    }

    /** A version written after the trigger that still holds the leaked value (a copy, an attacker's write). */
    @Test
    void aNewerVersionStillHoldingTheLeakedValueIsRotated() throws Exception {
        final String p = VaultFixture.unique("app/copied");
        final Instant trigger = writtenAroundTheTrigger(
                p, Map.of("password", "leaked", "user", "u"), Map.of("password", "leaked", "user", "someone-else"));

        final RotationOutcome o =
                rotator.rotate(VaultFixture.request("secret/" + p, false, trigger, Duration.ofSeconds(5)));

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        assertThat(o.oldVersion()).isEqualTo(2L);
        assertThat(o.newVersion()).isEqualTo(3L);
        assertThat(fx.vault.kvRead("secret", p).get("password")).isNotEqualTo("leaked");
    }

    @Test
    void aNewerVersionThatChangedTheRotatedFieldsIsAlreadyMitigated() throws Exception {
        final String p = VaultFixture.unique("app/changed");
        final Instant trigger = writtenAroundTheTrigger(
                p, Map.of("password", "leaked", "user", "u"), Map.of("password", "replaced-by-hand", "user", "u"));

        final RotationOutcome o =
                rotator.rotate(VaultFixture.request("secret/" + p, false, trigger, Duration.ofSeconds(5)));

        assertThat(o.kind()).isEqualTo(Kind.ALREADY_MITIGATED);
        assertThat(fx.count("POST", "secret/data/" + p)).isZero();
        assertThat(fx.vault.kvMetadata("secret", p).orElseThrow().currentVersion())
                .isEqualTo(2);
    }

    /** Nothing proves the value changed when the version of the trigger's time is gone: rotate. */
    @Test
    void aNewerVersionIsNotEvidenceWhenTheTriggersVersionCannotBeRead() throws Exception {
        final String p = VaultFixture.unique("app/destroyed");
        final Instant trigger = writtenAroundTheTrigger(p, Map.of("password", "leaked"), Map.of("password", "leaked"));
        fx.vault.kvDestroy("secret", p, 1);

        final RotationOutcome o =
                rotator.rotate(VaultFixture.request("secret/" + p, false, trigger, Duration.ofSeconds(5)));

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        assertThat(fx.vault.kvMetadata("secret", p).orElseThrow().currentVersion())
                .isEqualTo(3);
    }

    @Test
    void timeoutOnTheWriteIsResolvedByReadingBackAndWritesExactlyOneVersion() throws Exception {
        final String p = VaultFixture.unique("app/timeout");
        fx.vault.kvPut("secret", p, Map.of("password", "a", "user", "u"));
        fx.vault.setResponseDelay(Duration.ofMillis(150));

        final CompletableFuture<RotationOutcome> running =
                CompletableFuture.supplyAsync(() -> rotator.rotate(VaultFixture.request("secret/" + p)));
        // the write is applied, but its answer never arrives within the client's 1 s read timeout
        fx.awaitRequest("GET", "secret/data/" + p, 1);
        fx.vault.dropNextConnection("secret/data/" + p, Duration.ofMillis(1500));
        fx.vault.setResponseDelay(Duration.ZERO);
        final RotationOutcome o = running.get(10, TimeUnit.SECONDS);

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        assertThat(o.newVersion()).isEqualTo(2L);
        assertThat(o.calls())
                .filteredOn(c -> c.path().equals("secret/data/" + p))
                .extracting(VaultCall::method, VaultCall::status)
                .containsExactly(tuple("GET", 200), tuple("POST", 0), tuple("GET", 200));
        final KvMetadata m = fx.vault.kvMetadata("secret", p).orElseThrow();
        assertThat(m.currentVersion()).isEqualTo(2);
        assertThat(m.customMetadata()).containsKey("rotor_command_id");
        assertThat(fx.data("secret", p)).containsEntry("user", "u");
    }

    @Test
    void interruptionStopsRetriesAndKeepsTheInterruptFlag() throws Exception {
        final String p = VaultFixture.unique("app/interrupt");
        fx.vault.kvPut("secret", p, Map.of("password", "a"));
        fx.vault.seal();
        final AtomicReference<RotationOutcome> result = new AtomicReference<>();
        final AtomicBoolean flagAfter = new AtomicBoolean();
        final Thread worker = new Thread(() -> {
            result.set(
                    rotator.rotate(VaultFixture.request("secret/" + p, false, Instant.now(), Duration.ofSeconds(30))));
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        worker.start();
        fx.awaitRequest("GET", "secret/data/" + p, 2);

        final long t0 = System.nanoTime();
        worker.interrupt();
        worker.join(5000);

        assertThat(worker.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(result.get().kind()).isEqualTo(Kind.FAILED);
        assertThat(result.get().error()).isEqualTo("interrupted");
        assertThat(flagAfter).isTrue();
    }

    @Test
    void pathWithoutATargetFails() {
        final VaultRotator narrow = fx.rotator("targets:\n  - pattern: \"secret/only/*\"\n    strategy: kv2\n");

        final RotationOutcome o = narrow.rotate(VaultFixture.request("secret/other/x"));

        assertThat(o.kind()).isEqualTo(Kind.FAILED);
        assertThat(o.strategy()).isEqualTo("none");
        assertThat(o.error()).isEqualTo("no rotation target matches secret/other/x");
        assertThat(o.calls()).isEmpty();
    }
}
