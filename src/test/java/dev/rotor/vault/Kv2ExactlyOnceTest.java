package dev.rotor.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.rotor.devvault.KvMetadata;
import dev.rotor.vault.RotationOutcome.Kind;
import dev.rotor.vault.RotationOutcome.VaultCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kv2 rotates exactly once per command across crashes, task moves and concurrent runs of the same command: the intent
 * is recorded before the data write and recognised on replay. A "crash" is a first run that ends (deadline, fault) at
 * the chosen step; the replay is a second {@code rotate()} of the same command id.
 */
class Kv2ExactlyOnceTest {
    private static final String TARGETS = """
            targets:
              - pattern: "secret/keep/**"
                strategy: kv2
                quarantine: none
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

    private static String seed(final String prefix) {
        final String p = VaultFixture.unique(prefix);
        fx.vault.kvPut("secret", p, Map.of("password", "leaked-pw", "user", "u"));
        return p;
    }

    private static RotationRequest replayOf(final RotationRequest first) {
        return first.withDeadline(Instant.now().plusSeconds(5));
    }

    private static boolean stillLeaked(final String p) {
        return "leaked-pw".equals(fx.field("secret", p, "password"));
    }

    private static KvMetadata metadata(final String p) {
        return fx.vault.kvMetadata("secret", p).orElseThrow();
    }

    @Test
    void crashAfterTheDataWriteLandedIsFinishedOnReplayWithOneNewVersion() {
        final String p = seed("once/landed");
        // manual, as in the finding: no "changed after the trigger" check can hide a second write
        final RotationRequest req = VaultFixture.request("secret/" + p, true, Instant.now(), Duration.ofMillis(1500));
        // the write is applied but its answer is lost, and every read-back fails until the deadline: the run dies
        // between the data write and its bookkeeping, like a kill -9 there
        fx.vault.dropNextConnection("POST", "secret/data/" + p, Duration.ofMillis(1500));
        fx.vault.failMatching("GET", "secret/data/" + p, 1, 1000, 503);

        final RotationOutcome crashed = rotator.rotate(req);

        assertThat(crashed.kind()).isEqualTo(Kind.FAILED);
        assertThat(crashed.error()).contains("whether the new version of secret/" + p + " was written is unknown");
        assertThat(metadata(p).currentVersion()).isEqualTo(2);
        assertThat(metadata(p).customMetadata())
                .containsEntry("rotor_command_id", req.commandId())
                .containsEntry("rotor_state", "pending")
                .containsEntry("rotor_replaces_version", "1");
        fx.vault.clearFaults();

        final RotationOutcome replay = rotator.rotate(replayOf(req));

        assertThat(replay.kind()).isEqualTo(Kind.ALREADY_APPLIED);
        assertThat(replay.oldVersion()).isEqualTo(1L);
        assertThat(replay.newVersion()).isEqualTo(2L);
        assertThat(replay.calls())
                .filteredOn(c -> c.method().equals("POST") && c.path().equals("secret/data/" + p))
                .as("no second data write")
                .isEmpty();
        final KvMetadata m = metadata(p);
        assertThat(m.currentVersion()).as("exactly one new version, never 3").isEqualTo(2);
        assertThat(m.versions().get(1).deleted())
                .as("replaced version quarantined")
                .isTrue();
        assertThat(m.customMetadata()).containsEntry("rotor_state", "rotated").containsEntry("rotor_new_version", "2");
        assertThat(stillLeaked(p)).isFalse();
        assertThat(replay.success()).isTrue();
        assertThat(replay.secretChanged()).isTrue();
    }

    @Test
    void crashBeforeTheDataWriteLandedWritesOnceOnReplay() {
        final String p = seed("once/not-landed");
        final RotationRequest req = VaultFixture.request("secret/" + p, false, Instant.now(), Duration.ofMillis(800));
        fx.vault.failMatching("POST", "secret/data/" + p, 0, 1000, 503);

        final RotationOutcome crashed = rotator.rotate(req);

        assertThat(crashed.kind()).isEqualTo(Kind.FAILED);
        assertThat(metadata(p).currentVersion()).isEqualTo(1);
        assertThat(metadata(p).customMetadata())
                .containsEntry("rotor_state", "pending")
                .containsEntry("rotor_replaces_version", "1");
        fx.vault.clearFaults();

        final RotationOutcome replay = rotator.rotate(replayOf(req));

        assertThat(replay.kind()).isEqualTo(Kind.ROTATED);
        assertThat(replay.newVersion()).isEqualTo(2L);
        assertThat(replay.calls())
                .extracting(VaultCall::method, VaultCall::path)
                .as("no second intent")
                .startsWith(tuple("GET", "secret/data/" + p), tuple("POST", "secret/data/" + p));
        assertThat(metadata(p).currentVersion()).isEqualTo(2);
        assertThat(metadata(p).customMetadata()).containsEntry("rotor_state", "rotated");
        assertThat(stillLeaked(p)).isFalse();
    }

    @Test
    void crashAfterQuarantineBeforeTheDoneMarkerIsFinishedOnReplay() {
        final String p = seed("once/no-done");
        final RotationRequest req = VaultFixture.request("secret/" + p, false, Instant.now(), Duration.ofMillis(800));
        fx.vault.failMatching("POST", "secret/metadata/" + p, 1, 1000, 500); // the intent passes, the done marker not

        final RotationOutcome crashed = rotator.rotate(req);

        assertThat(crashed.kind()).isEqualTo(Kind.ROTATED_INCOMPLETE);
        assertThat(crashed.error())
                .startsWith("secret/" + p + " was rotated (version 1 -> 2), but recording it in "
                        + "custom_metadata failed: Vault server error (500) on secret/metadata/" + p);
        assertThat(crashed.newVersion()).isEqualTo(2L);
        assertThat(metadata(p).versions().get(1).deleted()).isTrue();
        assertThat(metadata(p).customMetadata()).containsEntry("rotor_state", "pending");
        fx.vault.clearFaults();

        final RotationOutcome replay = rotator.rotate(replayOf(req));

        assertThat(replay.kind()).isEqualTo(Kind.ALREADY_APPLIED);
        assertThat(replay.newVersion()).isEqualTo(2L);
        assertThat(metadata(p).currentVersion()).isEqualTo(2);
        assertThat(metadata(p).customMetadata())
                .containsEntry("rotor_state", "rotated")
                .containsEntry("rotor_new_version", "2");
    }

    @Test
    void twoRunsOfTheSameCommandAtOnceWriteExactlyOneVersion() throws Exception {
        for (int round = 0; round < 3; round++) {
            final String p = seed("once/concurrent");
            final RotationRequest req = VaultFixture.request("secret/" + p);
            fx.vault.setResponseDelay(Duration.ofMillis(100));
            final CountDownLatch go = new CountDownLatch(1);
            final List<CompletableFuture<RotationOutcome>> runs = List.of(
                    CompletableFuture.supplyAsync(() -> await(go, () -> rotator.rotate(req))),
                    CompletableFuture.supplyAsync(() -> await(go, () -> rotator.rotate(req))));
            go.countDown();
            final List<RotationOutcome> outcomes =
                    List.of(runs.get(0).get(20, TimeUnit.SECONDS), runs.get(1).get(20, TimeUnit.SECONDS));
            fx.vault.setResponseDelay(Duration.ZERO);

            assertThat(outcomes)
                    .extracting(RotationOutcome::kind)
                    .as(String.valueOf(outcomes))
                    .containsExactlyInAnyOrder(Kind.ROTATED, Kind.ALREADY_APPLIED);
            assertThat(outcomes).extracting(RotationOutcome::newVersion).containsOnly(2L);
            final KvMetadata m = metadata(p);
            assertThat(m.currentVersion()).as("exactly one new version").isEqualTo(2);
            assertThat(m.versions().get(1).deleted()).isTrue();
            assertThat(m.customMetadata()).containsEntry("rotor_state", "rotated");
            assertThat(stillLeaked(p)).isFalse();
        }
    }

    @Test
    void aRunCancelledBeforeTheWriteChangesNothingAndReportsCancelled() {
        final String p = seed("once/cancel-early");
        final RotationRequest req = VaultFixture.request("secret/" + p)
                .withCancellation(() -> fx.count("POST", "secret/metadata/" + p) > 0); // cancelled after the intent

        final RotationOutcome o = rotator.rotate(req);

        assertThat(o.kind()).isEqualTo(Kind.CANCELLED);
        assertThat(o.error()).isEqualTo("cancelled before the secret was changed (nothing was rotated)");
        assertThat(o.success()).isFalse();
        assertThat(o.calls())
                .extracting(VaultCall::method, VaultCall::path)
                .containsExactly(tuple("GET", "secret/data/" + p), tuple("POST", "secret/metadata/" + p));
        assertThat(fx.count("POST", "secret/data/" + p)).isZero();
        assertThat(metadata(p).currentVersion()).isEqualTo(1);
        assertThat(stillLeaked(p)).isTrue();

        final RotationOutcome fromTheStart =
                rotator.rotate(VaultFixture.request("secret/" + p).withCancellation(() -> true));
        assertThat(fromTheStart.kind()).isEqualTo(Kind.CANCELLED);
        assertThat(fromTheStart.calls()).isEmpty();

        final RotationOutcome replay = rotator.rotate(replayOf(req).withCancellation(() -> false));
        assertThat(replay.kind()).as("the next owner finishes the command").isEqualTo(Kind.ROTATED);
        assertThat(metadata(p).currentVersion()).isEqualTo(2);
    }

    @Test
    void aCancelDuringRetriesBeforeTheWriteStopsWithinABackoffSlice() throws Exception {
        final String p = seed("once/cancel-outage");
        fx.vault.seal();
        try {
            final AtomicBoolean cancel = new AtomicBoolean();
            final RotationRequest req = VaultFixture.request(
                            "secret/" + p, false, Instant.now(), Duration.ofSeconds(30))
                    .withCancellation(cancel::get);
            final CompletableFuture<RotationOutcome> running = CompletableFuture.supplyAsync(() -> rotator.rotate(req));
            fx.awaitRequest("GET", "secret/data/" + p, 3);

            final long t0 = System.nanoTime();
            cancel.set(true);
            final RotationOutcome o = running.get(5, TimeUnit.SECONDS);

            assertThat(o.kind()).isEqualTo(Kind.CANCELLED);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500));
        } finally {
            fx.vault.unseal();
        }
        assertThat(metadata(p).currentVersion()).isEqualTo(1);
    }

    @Test
    void aCancelAfterTheWriteWasSentIsIgnoredAndTheBookkeepingFinishes() {
        final String p = seed("once/cancel-late");
        final RotationRequest req =
                VaultFixture.request("secret/" + p).withCancellation(() -> fx.count("POST", "secret/data/" + p) > 0);

        final RotationOutcome o = rotator.rotate(req);

        assertThat(o.kind()).isEqualTo(Kind.ROTATED);
        assertThat(o.newVersion()).isEqualTo(2L);
        final KvMetadata m = metadata(p);
        assertThat(m.versions().get(1).deleted()).isTrue();
        assertThat(m.customMetadata()).containsEntry("rotor_state", "rotated").containsEntry("rotor_new_version", "2");
    }

    @Test
    void markerValuesAreBoundedPrintableAsciiWhateverTheReasonCarries() {
        final String p = seed("once/reason");
        final String hostile = "rule: " + "\u00e9v\u00e9nement\u202e\u0000\n\t".repeat(50_000) + "x".repeat(600_000);
        final RotationRequest base = VaultFixture.request("secret/" + p);
        final RotationRequest req = new RotationRequest(
                base.commandId(), base.secretPath(), hostile, false, base.triggerTime(), base.deadline());

        final RotationOutcome o = rotator.rotate(req);

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        final Map<String, String> custom = metadata(p).customMetadata();
        assertThat(custom).containsKeys("reason", "rotor_state");
        custom.forEach((k, v) -> {
            assertThat(v.getBytes(StandardCharsets.UTF_8).length).as(k).isBetween(1, 512);
            assertThat(v.chars().allMatch(c -> c >= 0x20 && c < 0x7f))
                    .as(k + " is printable ASCII")
                    .isTrue();
        });
        assertThat(custom.get("reason"))
                .startsWith("rule: ?v?nement? ?v?nement?")
                .hasSizeBetween(500, 512);
    }

    @Test
    void aCommandIdThatIsNotARotorCommandIdFailsBeforeAnythingIsWritten() {
        final String p = seed("once/bad-id");
        for (final String id : new String[] {"cmd with space", "x".repeat(129), "cmd-\u00e9", "", "a/b", null}) {
            final RotationRequest base = VaultFixture.request("secret/" + p);
            final RotationOutcome o = rotator.rotate(new RotationRequest(
                    id, base.secretPath(), base.reason(), false, base.triggerTime(), base.deadline()));

            assertThat(o.kind()).isEqualTo(Kind.FAILED);
            assertThat(o.error()).startsWith("command id is not a valid rotor command id");
            assertThat(o.calls()).isEmpty();
        }
        assertThat(metadata(p).customMetadata()).isEmpty();
    }

    @Test
    void aQuarantineThatKeepsFailingIsReportedAsRotatedIncomplete() {
        final String p = seed("once/no-quarantine");
        fx.vault.failMatching("POST", "secret/delete/" + p, 0, 1000, 403);

        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/" + p));

        assertThat(o.kind()).isEqualTo(Kind.ROTATED_INCOMPLETE);
        assertThat(o.error())
                .isEqualTo("secret/" + p + " was rotated (version 1 -> 2), but quarantine (delete of the "
                        + "replaced version) failed: permission denied on secret/delete/" + p);
        assertThat(o.secretChanged()).isTrue();
        assertThat(stillLeaked(p)).isFalse();
        assertThat(metadata(p).versions().get(1).deleted()).isFalse();
        assertThat(metadata(p).customMetadata())
                .as("left pending: a replay retries the quarantine")
                .containsEntry("rotor_state", "pending");
    }

    @Test
    void anIntentThatCannotBeRecordedFailsWithNothingChanged() {
        final String p = seed("once/full-metadata");
        final Map<String, String> full = new LinkedHashMap<>();
        for (int i = 0; i < 62; i++) {
            full.put("owner-key-" + i, "v");
        }
        fx.vault.kvWriteMetadata("secret", p, full);

        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/" + p));

        assertThat(o.kind()).isEqualTo(Kind.FAILED);
        assertThat(o.error())
                .startsWith("the rotation intent could not be recorded in the custom_metadata of secret/"
                        + p + " (Vault rejected the request (400) on secret/metadata/" + p
                        + ": custom_metadata validation failed")
                .endsWith("; nothing was changed");
        assertThat(fx.count("POST", "secret/data/" + p)).isZero();
        assertThat(metadata(p).currentVersion()).isEqualTo(1);
    }

    @Test
    void aWriterThatChangedOtherFieldsAfterTheIntentIsRotatedOnTop() {
        final String p = seed("keep/external");
        final RotationRequest req = VaultFixture.request("secret/" + p, false, Instant.now(), Duration.ofMillis(800));
        fx.vault.failMatching("POST", "secret/data/" + p, 0, 1000, 503);
        assertThat(rotator.rotate(req).kind()).isEqualTo(Kind.FAILED); // intent recorded, nothing written
        fx.vault.clearFaults();
        fx.vault.kvPut("secret", p, Map.of("password", "leaked-pw", "user", "renamed")); // version 2, same password

        final RotationOutcome replay = rotator.rotate(replayOf(req));

        assertThat(replay.kind()).isEqualTo(Kind.ROTATED);
        assertThat(replay.oldVersion()).isEqualTo(2L);
        assertThat(replay.newVersion()).isEqualTo(3L);
        assertThat(stillLeaked(p)).isFalse();
        assertThat(fx.field("secret", p, "user")).isEqualTo("renamed");
        assertThat(metadata(p).customMetadata()).containsEntry("rotor_replaces_version", "2");
    }

    private static <T> T await(final CountDownLatch go, final Supplier<T> work) {
        try {
            go.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return work.get();
    }
}
