package dev.rotor.detection;

import static dev.rotor.detection.DetectionDriver.NOW;
import static dev.rotor.detection.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.RotationCommand;
import dev.rotor.streams.Statistic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Windowed counts, thresholds, cooldown, lateness and resets (DESIGN.md §3) through the real topology. */
class DetectionRulesTest {
    private static final String DB = "secret/prod/db";
    private static final Instant T0 = NOW.minus(Duration.ofHours(1));

    private static Instant at(final long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private static Events failure(final String id, final Instant t) {
        return event("failed_auth_spike", "medium").id(id).at(t).paths(DB);
    }

    private static Events violation(final String id, final Instant t) {
        return event("rate_limit_exceeded", "high").id(id).at(t).paths(DB);
    }

    @Nested
    class Thresholds {
        @Test
        void nineFailedLoginsDoNotRotateTheTenthDoes() {
            try (DetectionDriver d = new DetectionDriver()) {
                for (int i = 0; i < 9; i++) {
                    d.send(failure("f" + i, at(i)));
                }
                assertThat(d.commands()).isEmpty();
                assertThat(d.audits(AuditDecision.BELOW_THRESHOLD)).hasSize(9);

                d.send(failure("f9", at(9)));

                final List<KeyValue<String, RotationCommand>> commands = d.commands();
                assertThat(commands).hasSize(1);
                assertThat(commands.get(0).key).isEqualTo(DB);
                assertThat(commands.get(0).value.getRule()).isEqualTo("failed-auth-threshold");
                assertThat(commands.get(0).value.getEventId()).isEqualTo("f9");
            }
        }

        @Test
        void ninetyNineRateLimitViolationsDoNotRotateTheHundredthDoes() {
            try (DetectionDriver d = new DetectionDriver()) {
                for (int i = 0; i < 99; i++) {
                    d.send(violation("v" + i, at(0).plusSeconds(i)));
                }
                assertThat(d.commands()).isEmpty();

                d.send(violation("v99", at(0).plusSeconds(99)));

                final List<KeyValue<String, RotationCommand>> commands = d.commands();
                assertThat(commands).hasSize(1);
                assertThat(commands.get(0).value.getRule()).isEqualTo("rate-limit-threshold");
            }
        }

        @Test
        void oneEventWithFailedCountFifteenRotatesAtOnce() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(failure("burst", at(0)).meta("failed_count", 15));

                assertThat(d.commands()).hasSize(1);
            }
        }

        @Test
        void weightsGivenAsNumericStringsCount() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(failure("a", at(0)).meta("failed_count", "5"));
                assertThat(d.commands()).isEmpty();
                d.send(failure("b", at(1)).meta("failed_count", " 5.0 "));

                assertThat(d.commands()).hasSize(1);
            }
        }

        @Test
        void violationCountWeighsRateLimitEvents() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(violation("a", at(0)).meta("violation_count", 60));
                d.send(violation("b", at(4)).meta("violation_count", "40"));

                assertThat(d.commands()).hasSize(1);
            }
        }

        @Test
        void thresholdsAndWindowsAreConfigurable() {
            try (DetectionDriver d =
                    new DetectionDriver(Map.of("rotor.failed-auth.threshold", "3", "rotor.failed-auth.window", "2m"))) {
                d.send(failure("a", at(0)));
                d.send(failure("b", at(1)));
                d.send(failure("c", at(3))); // a is out of the 2-minute window
                assertThat(d.commands()).isEmpty();
                d.send(failure("d", at(3)));

                assertThat(d.commands()).hasSize(1);
            }
        }
    }

    @Nested
    class Windows {
        @Test
        void tenSingleFailuresWithinFourteenMinutesRotate() {
            try (DetectionDriver d = new DetectionDriver()) {
                for (int i = 0; i < 10; i++) {
                    d.send(failure("f" + i, T0.plusSeconds(i * 14 * 60 / 9)));
                }
                assertThat(d.commands()).hasSize(1);
            }
        }

        @Test
        void theSameTenFailuresSpreadOverSixteenMinutesDoNot() {
            try (DetectionDriver d = new DetectionDriver()) {
                for (int i = 0; i < 10; i++) {
                    d.send(failure("f" + i, T0.plusSeconds(i * 16 * 60 / 9)));
                }
                assertThat(d.commands()).isEmpty();
                assertThat(d.audits(AuditDecision.BELOW_THRESHOLD)).hasSize(10);
            }
        }

        @Test
        void aWindowOfExactlyFifteenMinutesIncludesBothEnds() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(failure("first", at(0)).meta("failed_count", 5));
                d.send(failure("last", at(15)).meta("failed_count", 5));

                assertThat(d.commands()).hasSize(1);
            }
        }

        @Test
        void anOutOfOrderEventWithinTheGraceCounts() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(failure("now", at(10)).meta("failed_count", 9));
                // 30 s behind stream time, inside the default grace of 1 minute
                d.send(failure("late-but-ok", at(10).minusSeconds(30)));

                assertThat(d.commands()).hasSize(1);
                assertThat(d.audits(AuditDecision.LATE)).isEmpty();
            }
        }

        @Test
        void anEventBeyondTheGraceIsAuditedAsLateAndNotCounted() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(failure("now", at(10)).meta("failed_count", 9));
                d.send(failure("too-late", at(10).minusSeconds(61)));

                assertThat(d.commands()).isEmpty();
                assertThat(d.audits(AuditDecision.LATE))
                        .singleElement()
                        .satisfies(a -> assertThat(a.getEventId()).isEqualTo("too-late"));
                assertThat(d.statistics()).containsEntry(Statistic.LATE_EVENTS.key(), 1L);
                // not counted: one more on-time failure is what reaches ten
                d.send(failure("on-time", at(10)));
                assertThat(d.commands()).hasSize(1);
            }
        }

        @Test
        void latenessIsJudgedPerSecretSoAnotherSecretsNewerEventsDoNotMakeItLate() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(failure("other-secret", at(30)).paths("secret/prod/ahead"));
                // 30 minutes behind the task's stream time, but the first event of its own secret
                d.send(failure("behind-1", at(0)).meta("failed_count", 9));
                d.send(failure("behind-2", at(1)));

                assertThat(d.audits(AuditDecision.LATE)).isEmpty();
                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly(DB);
            }
        }

        @Test
        void lateCriticalEventsStillRotate() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(failure("now", at(30)));
                d.send(event("leaked_credential", "critical")
                        .id("old")
                        .at(at(0))
                        .paths("secret/prod/other"));

                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/prod/other");
            }
        }

        @Test
        void aResentEventIsCountedOnce() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(failure("same", at(0)).meta("failed_count", 9));
                d.send(failure("same", at(0)).meta("failed_count", 9));

                assertThat(d.commands()).isEmpty();
                assertThat(d.audits(AuditDecision.DUPLICATE_EVENT)).hasSize(1);
                assertThat(d.statistics()).containsEntry(Statistic.DUPLICATE_EVENTS.key(), 1L);
            }
        }

        @Test
        void eventsWithoutAnIdDedupeByTheirContent() {
            try (DetectionDriver d = new DetectionDriver()) {
                final Events noId =
                        event("failed_auth_spike", "low").at(at(0)).paths(DB).meta("failed_count", 9);
                d.send(noId);
                d.send(noId);

                assertThat(d.commands()).isEmpty();
                assertThat(d.audits(AuditDecision.DUPLICATE_EVENT)).hasSize(1);
                assertThat(d.audits(AuditDecision.BELOW_THRESHOLD).get(0).getEventId())
                        .startsWith("derived-");
            }
        }
    }

    @Nested
    class BelowThresholdAudit {
        @Test
        void byDefaultOnlyTheEventWithWhichTheCountReachesHalfTheThresholdIsAudited() {
            try (DetectionDriver d = new DetectionDriver(Map.of("rotor.audit.below-threshold", "crossings"))) {
                for (int i = 0; i < 10; i++) {
                    d.send(failure("f" + i, at(i)));
                }

                assertThat(d.audits(AuditDecision.BELOW_THRESHOLD))
                        .extracting(a -> a.getEventId())
                        .containsExactly("f4");
                assertThat(d.audits(AuditDecision.ROTATE))
                        .extracting(a -> a.getEventId())
                        .containsExactly("f9");
            }
        }

        @Test
        void aHeavyEventThatJumpsPastHalfIsTheCrossing() {
            try (DetectionDriver d = new DetectionDriver(Map.of("rotor.audit.below-threshold", "crossings"))) {
                d.send(failure("one", at(0)));
                d.send(failure("seven", at(1)).meta("failed_count", 7));
                d.send(failure("one-more", at(2)));

                assertThat(d.audits(AuditDecision.BELOW_THRESHOLD))
                        .extracting(a -> a.getEventId())
                        .containsExactly("seven");
            }
        }

        @Test
        void noneAuditsNoCountedEventButStillEveryDecisionThatActs() {
            try (DetectionDriver d = new DetectionDriver(Map.of("rotor.audit.below-threshold", "none"))) {
                for (int i = 0; i < 10; i++) {
                    d.send(failure("f" + i, at(i)));
                }
                d.send(failure("f3", at(3))); // a resend

                assertThat(d.audits(AuditDecision.BELOW_THRESHOLD)).isEmpty();
                assertThat(d.audits(AuditDecision.ROTATE)).hasSize(1);
                assertThat(d.audits(AuditDecision.DUPLICATE_EVENT)).isEmpty(); // counts were reset by the rotation
                assertThat(d.commands()).hasSize(1);
            }
        }
    }

    @Nested
    class AfterACommand {
        @Test
        void countsStartAgainFromZeroAfterARotation() {
            try (DetectionDriver d = new DetectionDriver(Map.of("rotor.cooldown", "1m"))) {
                d.send(failure("burst", at(0)).meta("failed_count", 10));
                assertThat(d.commands()).hasSize(1);

                // after the cooldown, 9 more in the same window do not rotate: the first 10 were consumed
                d.advanceWallClock(Duration.ofMinutes(2));
                d.send(failure("more", at(2)).meta("failed_count", 9));
                assertThat(d.commands()).isEmpty();
                d.send(failure("tenth", at(3)));
                assertThat(d.commands()).hasSize(1);
            }
        }

        @Test
        void triggersWithinTheCooldownAreSuppressed() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("leaked_credential", "critical")
                        .id("first")
                        .at(at(0))
                        .paths(DB));
                d.send(event("api_key_exposed", "critical")
                        .id("second")
                        .at(at(4))
                        .paths(DB));
                d.send(failure("burst", at(4)).meta("failed_count", 50));

                assertThat(d.commands()).hasSize(1);
                assertThat(d.audits(AuditDecision.SUPPRESSED))
                        .extracting(a -> a.getEventId())
                        .containsExactly("second", "burst");
                assertThat(d.statistics())
                        .containsEntry(Statistic.SUPPRESSED.key(), 2L)
                        .containsEntry(Statistic.EMERGENCY_ROTATIONS.key(), 1L);
            }
        }

        @Test
        void aTriggerAfterTheCooldownRotatesAgain() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("leaked_credential", "critical")
                        .id("first")
                        .at(at(0))
                        .paths(DB));
                d.advanceWallClock(Duration.ofMinutes(5)); // the cooldown runs on rotor's clock
                d.send(event("leaked_credential", "critical")
                        .id("second")
                        .at(at(5))
                        .paths(DB));

                assertThat(d.commands()).extracting(kv -> kv.value.getEventId()).containsExactly("first", "second");
            }
        }

        /**
         * A sender cannot shorten the cooldown with its timestamps: twelve critical events stamped five minutes apart,
         * as a replayed backlog or a forging sender would send them, arrive at once and rotate once.
         */
        @Test
        void triggersStampedFiveMinutesApartButArrivingTogetherRotateOnce() {
            try (DetectionDriver d = new DetectionDriver()) {
                for (int i = 0; i < 12; i++) {
                    d.send(event("leaked_credential", "critical")
                            .id("replayed-" + i)
                            .at(at(5L * i - 55))
                            .paths(DB));
                }

                assertThat(d.commands()).extracting(kv -> kv.value.getEventId()).containsExactly("replayed-0");
                assertThat(d.audits(AuditDecision.SUPPRESSED)).hasSize(11);
            }
        }

        @Test
        void manualTriggerBypassesTheCooldown() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("leaked_credential", "critical")
                        .id("first")
                        .at(at(0))
                        .paths(DB));
                d.send(event("manual_trigger", "low").id("operator").at(at(1)).paths(DB));

                assertThat(d.commands())
                        .extracting(kv -> kv.value.getRule())
                        .containsExactly("critical-threat", "manual-trigger");
            }
        }

        /** The finding: 50 manual triggers for one secret in 5 s rotated it 50 times. */
        @Test
        void manualTriggersForOneSecretRotateOncePerManualTriggerInterval() {
            try (DetectionDriver d = new DetectionDriver()) {
                for (int i = 0; i < 50; i++) {
                    d.send(event("manual_trigger", "low")
                            .id("script-" + i)
                            .at(at(0))
                            .paths(DB));
                }

                assertThat(d.commands()).extracting(kv -> kv.value.getEventId()).containsExactly("script-0");
                assertThat(d.audits(AuditDecision.SUPPRESSED)).hasSize(49).allSatisfy(a -> {
                    assertThat(a.getReason()).startsWith("manual_trigger within the manual-trigger interval of 1m");
                    assertThat(a.getDetails()).containsEntry("limit", "rotor.manual-trigger.interval");
                });
                assertThat(d.statistics())
                        .containsEntry(Statistic.SUPPRESSED.key(), 49L)
                        .containsEntry(Statistic.EMERGENCY_ROTATIONS.key(), 1L);
            }
        }

        @Test
        void aManualTriggerAfterTheIntervalRotatesAgainEvenWithinTheCooldown() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("manual_trigger", "low").id("first").at(at(0)).paths(DB));
                d.advanceWallClock(Duration.ofSeconds(59));
                d.send(event("manual_trigger", "low").id("too-soon").at(at(1)).paths(DB));
                d.advanceWallClock(Duration.ofSeconds(1)); // the interval runs on rotor's clock, not the event's
                d.send(event("manual_trigger", "low").id("second").at(at(1)).paths(DB));

                assertThat(d.commands()).extracting(kv -> kv.value.getEventId()).containsExactly("first", "second");
            }
        }

        @Test
        void theManualLimitIsPerSecretAndLeavesAutomaticRulesAlone() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("manual_trigger", "low").id("m-db").at(at(0)).paths(DB));
                d.send(event("manual_trigger", "low").id("m-other").at(at(0)).paths("secret/prod/other"));
                // a critical event after a manual rotation meets the cooldown, as after any command
                d.send(event("leaked_credential", "critical")
                        .id("leak")
                        .at(at(0))
                        .paths(DB));

                assertThat(d.commands()).extracting(kv -> kv.value.getEventId()).containsExactly("m-db", "m-other");
                assertThat(d.audits(AuditDecision.SUPPRESSED))
                        .singleElement()
                        .satisfies(a -> assertThat(a.getReason()).contains("cooldown"));
            }
        }

        @Test
        void aZeroManualTriggerIntervalTurnsTheLimitOff() {
            try (DetectionDriver d = new DetectionDriver(Map.of("rotor.manual-trigger.interval", "0s"))) {
                for (int i = 0; i < 3; i++) {
                    d.send(event("manual_trigger", "low").id("m-" + i).at(at(0)).paths(DB));
                }

                assertThat(d.commands()).hasSize(3);
            }
        }

        /** Idle-state cleanup must not forget a manual limit that outlives a shorter cooldown. */
        @Test
        void cleanupKeepsTheManualLimitWhenItOutlivesTheCooldown() {
            try (DetectionDriver d =
                    new DetectionDriver(Map.of("rotor.cooldown", "0s", "rotor.manual-trigger.interval", "10m"))) {
                d.send(event("manual_trigger", "low").id("first").at(at(0)).paths(DB));
                d.advanceWallClock(Duration.ofMinutes(3)); // cleanups run every minute
                d.send(event("manual_trigger", "low").id("again").at(at(3)).paths(DB));

                assertThat(d.commands()).extracting(kv -> kv.value.getEventId()).containsExactly("first");
            }
        }

        @Test
        void cooldownIsPerSecret() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("leaked_credential", "critical").id("a").at(at(0)).paths(DB));
                d.send(event("leaked_credential", "critical").id("b").at(at(1)).paths("secret/prod/other"));

                assertThat(d.commands()).hasSize(2);
            }
        }
    }

    @Nested
    class Commands {
        @Test
        void aCommandSaysHowManySecretsItsEventNamedAndASenderCannotSayOtherwise() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("leaked_credential", "critical")
                        .id("wide")
                        .at(at(0))
                        .paths(DB, "secret/x", "secret/y")
                        .meta("rotor.secrets_in_event", "1")
                        .meta("repository", "acme/site"));
                d.send(event("leaked_credential", "critical")
                        .id("narrow")
                        .at(at(0))
                        .paths("secret/z"));

                final List<KeyValue<String, RotationCommand>> commands = d.commands();
                assertThat(commands).hasSize(4);
                assertThat(commands)
                        .filteredOn(kv -> kv.value.getEventId().equals("wide"))
                        .allSatisfy(kv -> {
                            assertThat(kv.value.getSecretsInEvent()).isEqualTo(3);
                            assertThat(kv.value.getTrigger().getMetadata()).containsOnlyKeys("repository");
                        });
                assertThat(commands)
                        .filteredOn(kv -> kv.value.getEventId().equals("narrow"))
                        .singleElement()
                        .satisfies(
                                kv -> assertThat(kv.value.getSecretsInEvent()).isEqualTo(1));
            }
        }

        @Test
        void commandIdsAreDeterministicPerEventAndSecret() {
            try (DetectionDriver a = new DetectionDriver();
                    DetectionDriver b = new DetectionDriver()) {
                final Events e = event("leaked_credential", "critical")
                        .id("evt-1")
                        .at(at(0))
                        .paths(DB, "secret/x");
                a.send(e);
                b.send(e);

                final List<KeyValue<String, RotationCommand>> first = a.commands();
                final List<KeyValue<String, RotationCommand>> second = b.commands();
                assertThat(first)
                        .extracting(kv -> kv.value.getCommandId())
                        .containsExactlyElementsOf(second.stream()
                                .map(kv -> kv.value.getCommandId())
                                .toList())
                        .doesNotHaveDuplicates();
            }
        }

        @Test
        void aCommandCarriesTheTrigger() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("api_key_exposed", "high")
                        .id("gh-1")
                        .at(at(0))
                        .paths(DB)
                        .set("source_ip", "203.0.113.9")
                        .meta("repository", "acme/site")
                        .meta("secret_path", "secret/prod/extra"));

                final RotationCommand c = d.commands().get(0).value;
                assertThat(c.getEventId()).isEqualTo("gh-1");
                assertThat(c.getSecretPath()).isEqualTo(DB);
                assertThat(c.getRule()).isEqualTo("high-threat-indicator");
                assertThat(c.getThreatLevel().name()).isEqualTo("high");
                assertThat(c.getTrigger().getSourceIp()).isEqualTo("203.0.113.9");
                assertThat(c.getTrigger().getTimestamp()).isEqualTo(at(0));
                assertThat(c.getTrigger().getDescription()).isEqualTo("api_key_exposed reported by test");
                assertThat(c.getTrigger().getMetadata())
                        .containsEntry("repository", "acme/site")
                        .doesNotContainKey("secret_path");
                assertThat(c.getRequestedAt()).isEqualTo(NOW);
            }
        }
    }

    @Nested
    class IdleState {
        @Test
        void stateOfQuietSecretsIsRemovedOnceItCanNoLongerMatter() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(failure("old", at(0)));
                d.send(event("leaked_credential", "critical")
                        .id("rot")
                        .at(at(0))
                        .paths("secret/prod/rotated"));
                assertThat(d.secretState().get(DB)).isNotNull();
                assertThat(d.secretState().get("secret/prod/rotated")).isNotNull();

                d.send(failure("elsewhere", at(40)).paths("secret/prod/unrelated"));

                // rotor's clock moves 33 minutes on: more than twice (15 min window + 1 min grace) without an event
                // for DB, and past the 5 min cooldown of the rotated secret
                d.advanceWallClock(Duration.ofMinutes(33));
                assertThat(d.secretState().get(DB)).isNull();
                assertThat(d.secretState().get("secret/prod/rotated")).isNull();
                assertThat(d.secretState().get("secret/prod/unrelated")).isNull();
            }
        }

        /**
         * Another secret's newer events never make a secret's count disappear: stream time jumping an hour ahead (a
         * second source with less delivery lag, or a backfill beside live events) used to wipe the count of a secret
         * under attack, so ten failed logins within minutes never rotated.
         */
        @Test
        void anotherSecretsNewerEventsDoNotWipeACountInProgress() {
            try (DetectionDriver d = new DetectionDriver()) {
                for (int i = 0; i < 5; i++) {
                    d.send(failure("early-" + i, at(i)));
                }
                // the other source is an hour ahead; stream time jumps with it
                d.send(event("failed_auth_spike", "medium").id("other").at(NOW).paths("secret/prod/other"));
                d.advanceWallClock(Duration.ofMinutes(2));
                for (int i = 5; i < 10; i++) {
                    d.send(failure("late-" + i, at(i)));
                }

                assertThat(d.commands()).extracting(kv -> kv.value.getEventId()).containsExactly("late-9");
            }
        }

        @Test
        void aCooldownIsKeptWhileItRunsEvenWithoutCounts() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("leaked_credential", "critical")
                        .id("first")
                        .at(at(0))
                        .paths(DB));
                d.advanceWallClock(Duration.ofMinutes(3)); // a cleanup runs every minute
                d.send(event("leaked_credential", "critical")
                        .id("second")
                        .at(at(1))
                        .paths(DB));

                assertThat(d.commands()).hasSize(1);
                assertThat(d.audits(AuditDecision.SUPPRESSED))
                        .extracting(a -> a.getEventId())
                        .containsExactly("second");
            }
        }
    }
}
