package dev.rotor.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.ResultStatus;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.RotationResult;
import dev.rotor.streams.Statistic;
import dev.rotor.vault.RotationOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The executor's bookkeeping around the Vault port: results, notifications, audit, dedupe, ordering, dry run. */
class ExecuteRotationsTest {
    private static RotationCommand command(final String id, final String path) {
        return RotationCommand.newBuilder(NotificationsTest.command("198.51.100.4", Map.of("user", "svc")))
                .setCommandId(id)
                .setSecretPath(path)
                .build();
    }

    @Test
    void aRotatedSecretGivesAResultASuccessNotificationAndAnAuditTrail() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(1);

            final RotationResult r = d.resultsSeen.get(0).value;
            assertThat(d.resultsSeen.get(0).key).isEqualTo("secret/prod/db");
            assertThat(r.getStatus()).isEqualTo(ResultStatus.ROTATED);
            assertThat(r.getSuccess()).isTrue();
            assertThat(r.getCommandId()).isEqualTo("c1");
            assertThat(r.getOldVersion()).isEqualTo(1L);
            assertThat(r.getNewVersion()).isEqualTo(2L);
            assertThat(r.getNotificationsSent()).isEqualTo(1);
            assertThat(r.getDetectionLatencyMs()).isGreaterThan(0);
            assertThat(d.alertsSeen).singleElement().satisfies(n -> {
                assertThat(n.getMessage()).isEqualTo(Notifications.successText(command("c1", "secret/prod/db")));
                assertThat(n.getMetadata()).containsEntry("command_id", "c1").containsEntry("strategy", "kv2");
            });
            assertThat(d.criticalSeen).isEmpty();
            assertThat(d.auditSeen)
                    .extracting(AuditRecord::getDecision)
                    .containsExactly(AuditDecision.ROTATION_STARTED, AuditDecision.ROTATION_FINISHED);
            // rotor.audit.vault-calls=summary (the default): the calls are listed in the finished record
            assertThat(d.auditSeen.get(1).getDetails())
                    .containsEntry("status", "ROTATED")
                    .containsEntry("vault_calls", "GET secret/data/x -> 200 (3 ms)")
                    .containsEntry("vault_call_count", "1");
            assertThat(d.rotator.requests).singleElement().satisfies(req -> {
                assertThat(req.commandId()).isEqualTo("c1");
                assertThat(req.manual()).isFalse();
                assertThat(req.deadline()).isAfter(req.triggerTime());
            });
            assertThat(d.statistics())
                    .containsEntry(Statistic.SUCCESSFUL_ROTATIONS.key(), 1L)
                    .containsEntry(Statistic.NOTIFICATIONS_SENT.key(), 1L);
        }
    }

    @Test
    void eachVaultCallGetsItsOwnAuditRecordWhenAskedTo() {
        try (ExecutorDriver d = new ExecutorDriver(Map.of("rotor.audit.vault-calls", "each"))) {
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(1);
            assertThat(d.auditSeen)
                    .extracting(AuditRecord::getDecision)
                    .containsExactly(
                            AuditDecision.ROTATION_STARTED, AuditDecision.VAULT_CALL, AuditDecision.ROTATION_FINISHED);
            assertThat(d.auditSeen.get(1).getDetails())
                    .containsEntry("method", "GET")
                    .containsEntry("path", "secret/data/x")
                    .containsEntry("status", "200");
            assertThat(d.auditSeen.get(2).getDetails()).doesNotContainKey("vault_calls");
        }
    }

    @Test
    void aRotationThatRetriedListsItsFirstCallsAndCountsTheRest() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            final List<RotationOutcome.VaultCall> calls = new ArrayList<>();
            for (int i = 0; i < ExecutorRecords.CALLS_LISTED + 5; i++) {
                calls.add(new RotationOutcome.VaultCall("PUT", "secret/data/x", i < 24 ? 503 : 200, 1));
            }
            d.rotator.answer(
                    r -> new RotationOutcome(RotationOutcome.Kind.ROTATED, "kv2", 1L, 2L, null, calls, List.of()));
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(1);
            final Map<String, String> finished =
                    d.auditSeen.get(d.auditSeen.size() - 1).getDetails();
            assertThat(finished.get("vault_calls"))
                    .startsWith("PUT secret/data/x -> 503 (1 ms); ")
                    .endsWith("; and 5 more");
            assertThat(finished.get("vault_calls").split("; ")).hasSize(ExecutorRecords.CALLS_LISTED + 1);
            assertThat(finished).containsEntry("vault_call_count", "25");
        }
    }

    @Test
    void theSameCommandTwiceRotatesOnceAndTheSecondIsADuplicate() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(1);
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(2);

            assertThat(d.rotator.requests).hasSize(1);
            assertThat(d.resultsSeen)
                    .extracting(kv -> kv.value.getStatus())
                    .containsExactly(ResultStatus.ROTATED, ResultStatus.DUPLICATE);
            assertThat(d.resultsSeen.get(1).value.getSuccess()).isTrue();
            assertThat(d.alertsSeen).hasSize(1);
            assertThat(d.statistics()).containsEntry(Statistic.DUPLICATE_COMMANDS.key(), 1L);
        }
    }

    /** A replayed FAILED command must not read as a rotation: the duplicate carries the original's success. */
    @Test
    void aDuplicateOfAFailedCommandSaysItFailed() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.rotator.answer(r -> ScriptedRotator.failed("permission denied on secret/data/prod/db"));
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(1);
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(2);

            assertThat(d.rotator.requests).hasSize(1);
            assertThat(d.resultsSeen.get(1).value).satisfies(r -> {
                assertThat(r.getStatus()).isEqualTo(ResultStatus.DUPLICATE);
                assertThat(r.getSuccess()).isFalse();
                assertThat(r.getError()).isEqualTo("duplicate of a command that failed");
            });
        }
    }

    @Test
    void aCommandRedeliveredWhileItIsStillRunningIsADuplicate() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.rotator.hold();
            d.send(command("c1", "secret/prod/db"));
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(1);
            d.rotator.open();
            d.runUntilResults(2);

            assertThat(d.rotator.requests).hasSize(1);
            assertThat(d.resultsSeen)
                    .extracting(kv -> kv.value.getStatus())
                    .containsExactly(ResultStatus.DUPLICATE, ResultStatus.ROTATED);
            assertThat(d.resultsSeen.get(0).value.getSuccess())
                    .as("not known while the original runs")
                    .isFalse();
        }
    }

    @Test
    void aFailureGivesACriticalAlertWithTheError() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.rotator.answer(r -> ScriptedRotator.failed("permission denied on secret/data/prod/db"));
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(1);

            assertThat(d.resultsSeen.get(0).value).satisfies(r -> {
                assertThat(r.getStatus()).isEqualTo(ResultStatus.FAILED);
                assertThat(r.getSuccess()).isFalse();
                assertThat(r.getError()).isEqualTo("permission denied on secret/data/prod/db");
            });
            assertThat(d.alertsSeen).isEmpty();
            assertThat(d.criticalSeen).singleElement().satisfies(n -> {
                assertThat(n.getPriority()).isEqualTo("critical");
                assertThat(n.getMessage())
                        .isEqualTo(Notifications.failureText(
                                command("c1", "secret/prod/db"), "permission denied on secret/data/prod/db"));
            });
            assertThat(d.statistics()).containsEntry(Statistic.FAILED_ROTATIONS.key(), 1L);
        }
    }

    @Test
    void anAlreadyMitigatedSecretIsReportedWithoutANotification() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.rotator.answer(r -> new RotationOutcome(
                    RotationOutcome.Kind.ALREADY_MITIGATED, "kv2", 7L, 7L, null, List.of(), List.of()));
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(1);

            assertThat(d.resultsSeen.get(0).value.getStatus()).isEqualTo(ResultStatus.ALREADY_MITIGATED);
            assertThat(d.resultsSeen.get(0).value.getNotificationsSent()).isZero();
            assertThat(d.alertsSeen).isEmpty();
            assertThat(d.criticalSeen).isEmpty();
        }
    }

    @Test
    void aCommandAppliedBeforeARestartIsReportedRotatedOnce() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.rotator.answer(r -> new RotationOutcome(
                    RotationOutcome.Kind.ALREADY_APPLIED, "kv2", 3L, 4L, null, List.of(), List.of()));
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(1);

            assertThat(d.resultsSeen.get(0).value.getStatus()).isEqualTo(ResultStatus.ROTATED);
            assertThat(d.auditSeen)
                    .filteredOn(a -> a.getDecision() == AuditDecision.ROTATION_FINISHED)
                    .singleElement()
                    .satisfies(a -> assertThat(a.getReason()).contains("not rotated again"));
        }
    }

    @Test
    void dryRunDecidesAndCallsNothing() {
        try (ExecutorDriver d = new ExecutorDriver(Map.of("rotor.dry-run", "true"))) {
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(1);

            assertThat(d.resultsSeen.get(0).value.getStatus()).isEqualTo(ResultStatus.DRY_RUN);
            assertThat(d.rotator.requests).isEmpty();
            assertThat(d.alertsSeen).isEmpty();
        }
    }

    @Test
    void commandsForOneSecretRunOneAtATimeInOrder() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.rotator.hold();
            d.send(command("c1", "secret/prod/db"));
            d.send(command("c2", "secret/prod/db"));
            d.send(command("c3", "secret/prod/other"));
            d.runUntil(x -> x.rotator.requests.size() == 2);
            d.rotator.open();
            d.runUntilResults(3);

            assertThat(d.rotator.maxConcurrentForOnePath.get()).isEqualTo(1);
            assertThat(d.resultsSeen)
                    .filteredOn(kv -> kv.key.equals("secret/prod/db"))
                    .extracting(kv -> kv.value.getCommandId())
                    .containsExactly("c1", "c2");
            assertThat(d.rotator.requests).extracting(r -> r.commandId()).containsExactlyInAnyOrder("c1", "c2", "c3");
        }
    }

    @Test
    void aCommandForARefusedPathFailsWithoutCallingVault() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.send(command("c1", "sys/policies/acl/root"));
            d.runUntilResults(1);

            assertThat(d.rotator.requests).isEmpty();
            assertThat(d.resultsSeen.get(0).value.getError()).startsWith("secret path refused: ");
            assertThat(d.criticalSeen).hasSize(1);
        }
    }

    @Test
    void dependentsGetTheirOwnCommands() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.rotator.answer(r -> r.secretPath().equals("secret/prod/db")
                    ? new RotationOutcome(
                            RotationOutcome.Kind.ROTATED,
                            "kv2",
                            1L,
                            2L,
                            null,
                            List.of(),
                            List.of("secret/prod/app-a", "secret/prod/app-b"))
                    : ScriptedRotator.rotated(5L, 6L));
            d.send(command("c1", "secret/prod/db"));
            d.runUntilResults(3);

            assertThat(d.resultsSeen)
                    .extracting(kv -> kv.key)
                    .containsExactlyInAnyOrder("secret/prod/db", "secret/prod/app-a", "secret/prod/app-b");
            assertThat(d.alertsSeen).hasSize(3);
            assertThat(d.rotator.requests)
                    .filteredOn(r -> !r.secretPath().equals("secret/prod/db"))
                    .allSatisfy(
                            r -> assertThat(r.commandId()).startsWith("cmd-").isNotEqualTo("c1"));
        }
    }
}
