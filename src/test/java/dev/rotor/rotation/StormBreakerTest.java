package dev.rotor.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.Indicator;
import dev.rotor.avro.ResultStatus;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.RotationResult;
import dev.rotor.streams.Statistic;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The storm breaker in front of the executor: budget, per-event limit, pause, and what operators decide. */
class StormBreakerTest {
    private static final Map<String, String> BUDGET_OF_3 = Map.of(
            "rotor.breaker.max-rotations",
            "3",
            "rotor.breaker.window",
            "10m",
            "rotor.breaker.max-secrets-per-event",
            "50",
            "rotor.breaker.hold-expiry",
            "12h");

    private static RotationCommand automatic(final String id, final String path) {
        return RotationCommand.newBuilder(NotificationsTest.command("198.51.100.4", Map.of()))
                .setCommandId(id)
                .setEventId("evt-" + id)
                .setSecretPath(path)
                .build();
    }

    private static RotationCommand manual(final String id, final String path) {
        return RotationCommand.newBuilder(automatic(id, path))
                .setIndicator(Indicator.manual_trigger)
                .setEventType("manual_trigger")
                .build();
    }

    private static OperatorControls.Control decision(
            final OperatorControls.Action action, final String scope, final String id, final long at) {
        return new OperatorControls.Control(action.name().toLowerCase(Locale.ROOT), scope, id, at, "alice", "test");
    }

    private static Map<String, ResultStatus> latestStatus(final ExecutorDriver d) {
        return d.resultsSeen.stream()
                .collect(Collectors.toMap(kv -> kv.value.getCommandId(), kv -> kv.value.getStatus(), (a, b) -> b));
    }

    private static long count(final ExecutorDriver d, final ResultStatus status) {
        return latestStatus(d).values().stream().filter(status::equals).count();
    }

    /** Sends n automatic commands for n different secrets and waits for n results. */
    private static void storm(final ExecutorDriver d, final String prefix, final int n) {
        final int before = d.resultsSeen.size();
        for (int i = 0; i < n; i++) {
            d.send(automatic(prefix + i, "secret/prod/" + prefix + i));
        }
        d.runUntilResults(before + n);
    }

    @ParameterizedTest
    @CsvSource({"200,6", "200,7", "5,6", "1,12", "0,3", "1000,1"})
    void theSharesOfAllPartitionsAddUpToTheBudget(final int total, final int partitions) {
        final int sum = IntStream.range(0, partitions)
                .map(p -> StormBreaker.share(total, p, partitions))
                .sum();
        assertThat(sum).isEqualTo(total);
        IntStream.range(0, partitions)
                .forEach(p -> assertThat(StormBreaker.share(total, p, partitions))
                        .isBetween(total / partitions, total / partitions + 1));
    }

    @Nested
    class TheBudget {
        @Test
        void automaticCommandsBeyondItAreHeldWithOneCriticalNotificationForTheStorm() {
            try (ExecutorDriver d = new ExecutorDriver(BUDGET_OF_3)) {
                storm(d, "s", 8);

                assertThat(count(d, ResultStatus.ROTATED)).isEqualTo(3);
                assertThat(count(d, ResultStatus.HELD)).isEqualTo(5);
                assertThat(d.rotator.requests).hasSize(3);
                final RotationResult held = d.resultsSeen.stream()
                        .map(kv -> kv.value)
                        .filter(r -> r.getStatus() == ResultStatus.HELD)
                        .findFirst()
                        .orElseThrow();
                assertThat(held.getSuccess()).isFalse();
                assertThat(held.getError())
                        .contains("rotor.breaker.max-rotations=3")
                        .contains("10m");
                assertThat(d.criticalSeen)
                        .as("one notification for the storm, not one per held secret")
                        .singleElement()
                        .satisfies(n -> {
                            assertThat(n.getMessage())
                                    .startsWith("🛑 ROTATION STORM HELD 🛑")
                                    .contains("rotor approve --all");
                            assertThat(n.getMetadata()).containsEntry("first_secret_path", "secret/prod/s3");
                        });
                assertThat(d.auditSeen)
                        .filteredOn(a -> a.getDecision() == AuditDecision.ROTATION_HELD)
                        .hasSize(5);
                assertThat(d.statistics()).containsEntry(Statistic.HELD.key(), 5L);
            }
        }

        @Test
        void manualTriggersAndCascadesAreNeverHeld() {
            try (ExecutorDriver d = new ExecutorDriver(BUDGET_OF_3)) {
                storm(d, "s", 4);
                d.send(manual("m1", "secret/prod/manual"));
                d.send(RotationCommand.newBuilder(automatic("c1", "secret/prod/child"))
                        .setCascadeDepth(1)
                        .setRule("cascade")
                        .build());
                d.runUntilResults(6);

                assertThat(latestStatus(d))
                        .containsEntry("m1", ResultStatus.ROTATED)
                        .containsEntry("c1", ResultStatus.ROTATED)
                        .containsEntry("s3", ResultStatus.HELD);
            }
        }

        @Test
        void itRefillsOnRotorsClockAndANewStormIsAnnouncedAgain() {
            try (ExecutorDriver d = new ExecutorDriver(BUDGET_OF_3)) {
                storm(d, "a", 4);
                assertThat(d.criticalSeen).hasSize(1);

                d.advance(Duration.ofMinutes(10).plusSeconds(1));
                storm(d, "b", 4);

                assertThat(latestStatus(d))
                        .containsEntry("b0", ResultStatus.ROTATED)
                        .containsEntry("b2", ResultStatus.ROTATED)
                        .containsEntry("b3", ResultStatus.HELD);
                assertThat(d.criticalSeen)
                        .as("a hold after a quiet window starts a new storm")
                        .hasSize(2);
            }
        }

        @Test
        void aReplayOfAHeldCommandIsADuplicateThatClaimsNothing() {
            try (ExecutorDriver d = new ExecutorDriver(BUDGET_OF_3)) {
                storm(d, "s", 4);
                d.send(automatic("s3", "secret/prod/s3"));
                d.runUntilResults(5);

                final RotationResult dup = d.resultsSeen.get(4).value;
                assertThat(dup.getStatus()).isEqualTo(ResultStatus.DUPLICATE);
                assertThat(dup.getSuccess()).isFalse();
                assertThat(dup.getError()).contains("held");
                assertThat(d.rotator.requests).hasSize(3);
            }
        }
    }

    @Test
    void anEventNamingMoreSecretsThanTheLimitHasAllItsCommandsHeld() {
        try (ExecutorDriver d = new ExecutorDriver(Map.of("rotor.breaker.max-secrets-per-event", "50"))) {
            d.send(RotationCommand.newBuilder(automatic("wide", "secret/prod/wide"))
                    .setSecretsInEvent(51)
                    .build());
            d.send(RotationCommand.newBuilder(automatic("fifty", "secret/prod/fifty"))
                    .setSecretsInEvent(50)
                    .build());
            d.runUntilResults(2);

            assertThat(latestStatus(d))
                    .containsEntry("wide", ResultStatus.HELD)
                    .containsEntry("fifty", ResultStatus.ROTATED);
            assertThat(d.resultsSeen.stream()
                            .map(kv -> kv.value)
                            .filter(r -> r.getCommandId().equals("wide"))
                            .findFirst()
                            .orElseThrow()
                            .getError())
                    .contains("51 secrets")
                    .contains("rotor.breaker.max-secrets-per-event=50");
        }
    }

    @Nested
    class Operators {
        @Test
        void approvingAllRunsExactlyTheCommandsHeldBeforeTheDecision() {
            try (ExecutorDriver d = new ExecutorDriver(BUDGET_OF_3)) {
                storm(d, "s", 6);
                d.control(decision(OperatorControls.Action.APPROVE, "all", null, d.now()));
                d.advance(Duration.ofMillis(1)); // a command held after the decision is not covered by it
                storm(d, "late", 1);
                d.advance(ExecuteRotations.REVIEW_HOLDS_EVERY);
                d.runUntil(x -> count(x, ResultStatus.ROTATED) == 6);
                d.advance(ExecuteRotations.REVIEW_HOLDS_EVERY);

                assertThat(latestStatus(d))
                        .containsEntry("s3", ResultStatus.ROTATED)
                        .containsEntry("s5", ResultStatus.ROTATED)
                        .containsEntry("late0", ResultStatus.HELD);
                assertThat(d.rotator.requests).hasSize(6);
                assertThat(d.auditSeen).anySatisfy(a -> {
                    assertThat(a.getDecision()).isEqualTo(AuditDecision.ROTATION_HELD);
                    assertThat(a.getReason()).startsWith("approved by alice");
                });
            }
        }

        @Test
        void approvingOneEventOrOneCommandRunsOnlyThose() {
            try (ExecutorDriver d = new ExecutorDriver(BUDGET_OF_3)) {
                storm(d, "s", 6);
                d.control(decision(OperatorControls.Action.APPROVE, "event", "evt-s3", d.now()));
                d.control(decision(OperatorControls.Action.APPROVE, "command", "s5", d.now()));
                d.advance(ExecuteRotations.REVIEW_HOLDS_EVERY);
                d.runUntil(x -> count(x, ResultStatus.ROTATED) == 5);

                assertThat(latestStatus(d))
                        .containsEntry("s3", ResultStatus.ROTATED)
                        .containsEntry("s4", ResultStatus.HELD)
                        .containsEntry("s5", ResultStatus.ROTATED);
            }
        }

        @Test
        void releasingClosesHeldCommandsAsFailedWithoutRotatingOrPagingPerSecret() {
            try (ExecutorDriver d = new ExecutorDriver(BUDGET_OF_3)) {
                storm(d, "s", 5);
                d.control(decision(OperatorControls.Action.RELEASE, "all", null, d.now()));
                d.advance(ExecuteRotations.REVIEW_HOLDS_EVERY);

                assertThat(latestStatus(d))
                        .containsEntry("s3", ResultStatus.FAILED)
                        .containsEntry("s4", ResultStatus.FAILED);
                final RotationResult released = d.resultsSeen.get(d.resultsSeen.size() - 1).value;
                assertThat(released.getError()).startsWith("released by alice");
                assertThat(released.getNotificationsSent()).isZero();
                assertThat(d.criticalSeen).hasSize(1); // the storm's, nothing per secret
                assertThat(d.rotator.requests).hasSize(3);

                d.send(automatic("s4", "secret/prod/s4")); // a replay of a released command stays closed
                assertThat(d.resultsSeen.get(d.resultsSeen.size() - 1).value.getStatus())
                        .isEqualTo(ResultStatus.DUPLICATE);
            }
        }

        @Test
        void aHeldCommandNobodyDecidesExpiresAsFailed() {
            try (ExecutorDriver d = new ExecutorDriver(BUDGET_OF_3)) {
                storm(d, "s", 4);
                d.advance(Duration.ofHours(12).minusSeconds(2));
                assertThat(latestStatus(d)).containsEntry("s3", ResultStatus.HELD);

                d.advance(Duration.ofSeconds(3));
                assertThat(latestStatus(d)).containsEntry("s3", ResultStatus.FAILED);
                assertThat(d.resultsSeen.get(d.resultsSeen.size() - 1).value.getError())
                        .contains("rotor.breaker.hold-expiry=12h");
            }
        }

        @Test
        void pauseHoldsAutomaticRotationsButNotManualOnesAndResumeDoesNotApprove() {
            try (ExecutorDriver d = new ExecutorDriver()) {
                d.control(decision(OperatorControls.Action.PAUSE, null, null, d.now()));
                d.send(automatic("auto1", "secret/prod/a"));
                d.send(manual("man1", "secret/prod/b"));
                d.runUntilResults(2);
                assertThat(latestStatus(d))
                        .containsEntry("auto1", ResultStatus.HELD)
                        .containsEntry("man1", ResultStatus.ROTATED);
                assertThat(d.resultsSeen.get(0).value.getError()).contains("paused");

                d.control(decision(OperatorControls.Action.RESUME, null, null, d.now()));
                d.send(automatic("auto2", "secret/prod/c"));
                d.runUntilResults(3);
                d.advance(ExecuteRotations.REVIEW_HOLDS_EVERY);

                assertThat(latestStatus(d))
                        .containsEntry("auto2", ResultStatus.ROTATED)
                        .containsEntry("auto1", ResultStatus.HELD);
            }
        }
    }

    @Test
    void controlRecordsRoundTripAndUnknownOnesAreIgnored() {
        final OperatorControls.Control c = decision(OperatorControls.Action.APPROVE, "event", "evt-9", 42);
        assertThat(OperatorControls.Control.parse(c.toJson())).contains(c);
        assertThat(c.key()).isEqualTo("approve:event:evt-9");
        assertThat(decision(OperatorControls.Action.RELEASE, "all", null, 1).key())
                .isEqualTo("release:*");
        assertThat(OperatorControls.Control.parse("{\"action\":\"explode\"}")).isEmpty();
        assertThat(OperatorControls.Control.parse("not json")).isEmpty();
        assertThat(List.of(OperatorControls.Action.values())).hasSize(4);
    }
}
