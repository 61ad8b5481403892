package dev.rotor.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.vault.RotationOutcome.Kind;
import dev.rotor.vault.RotationOutcome.VaultCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly once for transit, database and aws: the intent is recorded before the change, a lost answer is settled by
 * reading the state back, a replay recognises its own applied change, and where Vault shows nothing the outcome says so
 * instead of rotating again.
 */
class ObservedChangeTest {
    private static final String TARGETS = """
            targets:
              - pattern: "database/static-roles/*"
                strategy: database-static-role
              - pattern: "database/config/*"
                strategy: database-root
              - pattern: "transit/keys/*"
                strategy: transit
              - pattern: "aws/**"
                strategy: aws-root
            """;

    @RegisterExtension
    static final VaultFixture fx = new VaultFixture();

    private static VaultRotator rotator;

    @BeforeAll
    static void start() {
        rotator = fx.rotator(TARGETS);
    }

    /** An intent log that remembers what was recorded, and how many changes Vault had seen at that moment. */
    private static final class Intents implements IntentLog {
        private final Optional<String> earlier;
        private final IntSupplier changesSoFar;
        final List<String> recorded = new ArrayList<>();
        final List<Integer> changesWhenRecorded = new ArrayList<>();
        boolean durable = true;

        Intents(final String earlier, final IntSupplier changesSoFar) {
            this.earlier = Optional.ofNullable(earlier);
            this.changesSoFar = changesSoFar;
        }

        @Override
        public Optional<String> recorded() {
            return earlier;
        }

        @Override
        public boolean record(final String fingerprint) {
            recorded.add(fingerprint);
            changesWhenRecorded.add(changesSoFar.getAsInt());
            return durable;
        }
    }

    private static RotationRequest request(final String path, final IntentLog intents) {
        return new RotationRequest(
                "cmd-" + UUID.randomUUID(),
                path,
                "test: leaked_credential",
                false,
                Instant.now(),
                Instant.now().plus(Duration.ofSeconds(5)),
                null,
                intents);
    }

    @Nested
    class Transit {
        @Test
        void theIntentIsTheVersionBeforeAndIsRecordedBeforeTheRotateCall() {
            final String key = VaultFixture.unique("intent");
            fx.vault.addTransitKey(key);
            final Intents intents = new Intents(null, () -> fx.vault.transitLatestVersion(key) - 1);

            final RotationOutcome o = rotator.rotate(request("transit/keys/" + key, intents));

            assertThat(o.kind()).isEqualTo(Kind.ROTATED);
            assertThat(intents.recorded).containsExactly("1");
            assertThat(intents.changesWhenRecorded).containsExactly(0);
        }

        @Test
        void aLostAnswerIsSettledByReadingTheVersionNotByRotatingAgain() {
            final String key = VaultFixture.unique("dropped");
            fx.vault.addTransitKey(key);
            fx.vault.dropNextConnection("POST", "transit/keys/" + key + "/rotate", Duration.ZERO);

            final RotationOutcome o = rotator.rotate(request("transit/keys/" + key, IntentLog.NONE));

            assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
            assertThat(fx.vault.transitLatestVersion(key))
                    .as("1 -> 2, not 1 -> 3")
                    .isEqualTo(2);
            assertThat(o.oldVersion()).isEqualTo(1L);
            assertThat(o.newVersion()).isEqualTo(2L);
            assertThat(o.calls()).extracting(VaultCall::method).containsExactly("GET", "POST", "GET", "GET");
        }

        @Test
        void aReplayWhoseEarlierAttemptRotatedRecognisesItAndCallsNoRotate() {
            final String key = VaultFixture.unique("replayed");
            fx.vault.addTransitKey(key);
            rotator.rotate(request("transit/keys/" + key, IntentLog.NONE)); // the earlier attempt, before its crash

            final RotationOutcome o = rotator.rotate(request("transit/keys/" + key, new Intents("1", () -> 0)));

            assertThat(o.kind()).isEqualTo(Kind.ALREADY_APPLIED);
            assertThat(o.oldVersion()).isEqualTo(1L);
            assertThat(o.newVersion()).isEqualTo(2L);
            assertThat(o.calls()).extracting(VaultCall::method).doesNotContain("POST");
            assertThat(fx.vault.transitLatestVersion(key)).isEqualTo(2);
        }

        @Test
        void aReplayWhoseEarlierAttemptDidNotRotateRotatesOnce() {
            final String key = VaultFixture.unique("unsent");
            fx.vault.addTransitKey(key);

            final RotationOutcome o = rotator.rotate(request("transit/keys/" + key, new Intents("1", () -> 0)));

            assertThat(o.kind()).isEqualTo(Kind.ROTATED);
            assertThat(fx.vault.transitLatestVersion(key)).isEqualTo(2);
        }

        @Test
        void anIntentThatCannotBeMadeDurableStopsBeforeAnythingIsSent() {
            final String key = VaultFixture.unique("closing");
            fx.vault.addTransitKey(key);
            final Intents intents = new Intents(null, () -> 0);
            intents.durable = false;

            final RotationOutcome o = rotator.rotate(request("transit/keys/" + key, intents));

            assertThat(o.kind()).isEqualTo(Kind.CANCELLED);
            assertThat(fx.count("POST", "transit/keys/" + key + "/rotate")).isZero();
        }
    }

    @Test
    void aStaticRoleWhoseAnswerIsLostIsRotatedOnce() {
        final String role = VaultFixture.unique("role");
        fx.vault.addDatabaseStaticRole(role, role + "_user");
        fx.vault.dropNextConnection("POST", "database/rotate-role/" + role, Duration.ZERO);

        final RotationOutcome o = rotator.rotate(request("database/static-roles/" + role, IntentLog.NONE));

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        assertThat(fx.vault.staticRoleRotations(role)).isEqualTo(1);
    }

    @Test
    void aStaticRoleReplayRecognisesTheEarlierRotationByItsTime() {
        final String role = VaultFixture.unique("role");
        fx.vault.addDatabaseStaticRole(role, role + "_user");
        final Intents first = new Intents(null, () -> 0);
        rotator.rotate(request("database/static-roles/" + role, first));

        final RotationOutcome o =
                rotator.rotate(request("database/static-roles/" + role, new Intents(first.recorded.get(0), () -> 0)));

        assertThat(o.kind()).isEqualTo(Kind.ALREADY_APPLIED);
        assertThat(fx.vault.staticRoleRotations(role)).isEqualTo(1);
    }

    @Test
    void theAwsRootKeyIsReplacedOnceAndOnlyAHashOfItsIdIsRecorded() {
        final int before = fx.vault.awsRootRotations();
        final String keyId = fx.vault.awsRootAccessKey();
        fx.vault.dropNextConnection("POST", "aws/config/rotate-root", Duration.ZERO);
        final Intents intents = new Intents(null, () -> 0);

        final RotationOutcome o = rotator.rotate(request("aws/config/root", intents));

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        assertThat(fx.vault.awsRootRotations()).isEqualTo(before + 1);
        assertThat(intents.recorded)
                .singleElement()
                .asString()
                .doesNotContain(keyId)
                .hasSize(32);

        final RotationOutcome replay =
                rotator.rotate(request("aws/config/root", new Intents(intents.recorded.get(0), () -> 0)));
        assertThat(replay.kind()).isEqualTo(Kind.ALREADY_APPLIED);
        assertThat(fx.vault.awsRootRotations()).isEqualTo(before + 1);
    }

    @Nested
    class DatabaseRoot {
        @Test
        void aLostAnswerIsReportedAsUnknownAndNotSentAgain() {
            final String connection = VaultFixture.unique("pg");
            fx.vault.addDatabaseConnection(connection);
            fx.vault.dropNextConnection("POST", "database/rotate-root/" + connection, Duration.ZERO);

            final RotationOutcome o = rotator.rotate(request("database/config/" + connection, IntentLog.NONE));

            assertThat(o.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
            assertThat(o.success()).isFalse();
            assertThat(o.error())
                    .contains("database/rotate-root/" + connection)
                    .contains("not sent again")
                    .contains("check");
            assertThat(fx.vault.databaseRootRotations(connection)).isEqualTo(1);
        }

        @Test
        void aReplayAfterAnEarlierAttemptRecordedItsIntentIsUnknownAndCallsNothing() {
            final String connection = VaultFixture.unique("pg");
            fx.vault.addDatabaseConnection(connection);

            final RotationOutcome o = rotator.rotate(
                    request("database/config/" + connection, new Intents(IntentLog.UNOBSERVABLE, () -> 0)));

            assertThat(o.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
            assertThat(o.calls()).isEmpty();
            assertThat(fx.vault.databaseRootRotations(connection)).isZero();
        }

        @Test
        void aSealedOrStandbyVaultDidNotTakeTheCallSoItIsRetried() {
            final String connection = VaultFixture.unique("pg");
            fx.vault.addDatabaseConnection(connection);
            fx.vault.failNextMatching("database/rotate-root/" + connection, 1, 503);
            fx.vault.failNextMatching("database/rotate-root/" + connection, 1, 429);

            final RotationOutcome o = rotator.rotate(request("database/config/" + connection, IntentLog.NONE));

            assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
            assertThat(fx.vault.databaseRootRotations(connection)).isEqualTo(1);
        }
    }
}
