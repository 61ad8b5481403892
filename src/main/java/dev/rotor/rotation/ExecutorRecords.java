package dev.rotor.rotation;

import dev.rotor.audit.AuditRecords;
import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.Notification;
import dev.rotor.avro.ResultStatus;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.RotationResult;
import dev.rotor.config.RotorConfig;
import dev.rotor.events.Hashing;
import dev.rotor.streams.Statistic;
import dev.rotor.streams.Telemetry;
import dev.rotor.vault.RotationOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the executor writes, in its records' words: results, audit records, notifications and the dependents' commands,
 * each forwarded to its sink by name, with the statistics and telemetry that count them. {@link ExecuteRotations}
 * decides; this class only says it. Records carry API paths, statuses, versions and rotor's own reasons, never a secret
 * value.
 */
final class ExecutorRecords {
    /** How many Vault calls ROTATION_FINISHED lists in summary mode before "and N more". */
    static final int CALLS_LISTED = 20;
    /** Cascades stop at this depth, so a cycle in the targets' dependents cannot rotate for ever. */
    static final int MAX_CASCADE_DEPTH = 8;

    /** How a finished rotation is reported: its status, what it counts, why, and the notification it sends (if any). */
    private record Report(ResultStatus status, Statistic counted, String reason, Notification alert, String sink) {}

    private final ProcessorContext<Object, Object> context;
    private final KeyValueStore<String, Long> statistics;
    private final Telemetry telemetry;
    private final RotorConfig.VaultCallAudit vaultCallAudit;

    ExecutorRecords(
            final ProcessorContext<Object, Object> context,
            final KeyValueStore<String, Long> statistics,
            final Telemetry telemetry,
            final RotorConfig.VaultCallAudit vaultCallAudit) {
        this.context = context;
        this.statistics = statistics;
        this.telemetry = telemetry;
        this.vaultCallAudit = vaultCallAudit;
    }

    /** The result of {@code command}; {@code notifications} is how many notifications it sent. */
    void result(
            final RotationCommand command,
            final ResultStatus status,
            final boolean success,
            final Ended e,
            final int notifications) {
        final RotationResult result = RotationResult.newBuilder()
                .setCommandId(command.getCommandId())
                .setEventId(command.getEventId())
                .setSecretPath(command.getSecretPath())
                .setSuccess(success)
                .setStatus(status)
                .setStrategy(e.strategy())
                .setRotationStartedAt(Instant.ofEpochMilli(e.startedAt()))
                .setRotationCompletedAt(Instant.ofEpochMilli(e.completedAt()))
                .setDurationMs(e.completedAt() - e.startedAt())
                .setDetectionLatencyMs(
                        e.completedAt() - command.getTrigger().getTimestamp().toEpochMilli())
                .setOldVersion(e.oldVersion())
                .setNewVersion(e.newVersion())
                .setNotificationsSent(notifications)
                .setError(e.error())
                .build();
        telemetry.result(status.name(), e.strategy());
        telemetry.detectionToResult(Duration.ofMillis(Math.max(0, result.getDetectionLatencyMs())));
        context.forward(new Record<>(command.getSecretPath(), result, e.completedAt()), RotationTopology.WRITE_RESULTS);
    }

    /** An audit record about {@code command}, identified by the command, the decision and the reason. */
    void audit(
            final RotationCommand command,
            final AuditDecision decision,
            final String reason,
            final long at,
            final Map<String, String> details) {
        final AuditRecord audit = AuditRecords.decided(decision, reason, at)
                .about(command)
                .details(details)
                .identifiedBy(command.getCommandId(), decision.name(), reason);
        context.forward(new Record<>(command.getSecretPath(), audit, at), RotationTopology.WRITE_AUDIT);
    }

    /** A notice that {@code command} was held, towards {@link AnnounceStorms}, which tells people once per storm. */
    void holdNotice(final RotationCommand command, final String reason, final long now) {
        final Map<String, String> notice = new LinkedHashMap<>();
        notice.put("secret_path", command.getSecretPath());
        notice.put("command_id", command.getCommandId());
        notice.put("event_id", command.getEventId());
        notice.put("reason", reason);
        final Notification held = Notification.newBuilder()
                .setChannel(Notifications.CRITICAL_CHANNEL)
                .setPriority("critical")
                .setMessage("held: " + reason)
                .setMetadata(notice)
                .setCreatedAt(Instant.ofEpochMilli(now))
                .build();
        context.forward(new Record<>(RotationTopology.STORM_KEY, held, now), RotationTopology.HOLD_NOTICES);
    }

    /**
     * Everything a finished rotation writes: its Vault calls (metrics, and VAULT_CALL records in {@code each} mode),
     * the result, a notification unless the secret had already been changed, ROTATION_FINISHED, and for a rotated
     * secret its dependents' commands.
     */
    void finished(final RotationCommand command, final RotationOutcome.Kind kind, final Ended e) {
        final long completedAt = e.completedAt();
        eachVaultCall(command, e);
        final Report report = report(command, kind, e);
        report.counted().increment(statistics, 1);
        if (report.alert() != null) {
            Statistic.NOTIFICATIONS_SENT.increment(statistics, 1);
        }
        result(command, report.status(), kind.success(), e, report.alert() == null ? 0 : 1);
        if (report.alert() != null) {
            context.forward(new Record<>(command.getSecretPath(), report.alert(), completedAt), report.sink());
        }
        final Map<String, String> details = new LinkedHashMap<>();
        details.put("status", report.status().name());
        details.put("strategy", e.strategy());
        details.putAll(vaultCallSummary(e.calls()));
        audit(command, AuditDecision.ROTATION_FINISHED, report.reason(), completedAt, details);
        if (report.status() == ResultStatus.ROTATED || report.status() == ResultStatus.ROTATED_INCOMPLETE) {
            dependents(command, e.dependents(), completedAt);
        }
    }

    private Report report(final RotationCommand command, final RotationOutcome.Kind kind, final Ended e) {
        final String error = e.error();
        final Map<String, String> details = new LinkedHashMap<>();
        details.put("secret_path", command.getSecretPath());
        details.put("command_id", command.getCommandId());
        details.put("event_id", command.getEventId());
        details.put("rule", command.getRule());
        details.put("strategy", e.strategy());
        final Instant now = Instant.ofEpochMilli(e.completedAt());
        return switch (kind) {
            case ROTATED, ALREADY_APPLIED ->
                new Report(
                        ResultStatus.ROTATED,
                        Statistic.SUCCESSFUL_ROTATIONS,
                        kind == RotationOutcome.Kind.ROTATED
                                ? "rotated"
                                : "already rotated by this command before a restart; not rotated again",
                        Notifications.success(command, details, now),
                        RotationTopology.WRITE_ALERTS);
            case ROTATED_INCOMPLETE ->
                new Report(
                        ResultStatus.ROTATED_INCOMPLETE,
                        Statistic.SUCCESSFUL_ROTATIONS,
                        "rotated, but incomplete: " + error,
                        Notifications.incomplete(command, error, details, now),
                        RotationTopology.WRITE_CRITICAL);
            case ALREADY_MITIGATED ->
                new Report(
                        ResultStatus.ALREADY_MITIGATED,
                        Statistic.ALREADY_MITIGATED,
                        "secret changed after the triggering event; not rotated",
                        null,
                        null);
            case FAILED ->
                new Report(
                        ResultStatus.FAILED,
                        Statistic.FAILED_ROTATIONS,
                        "failed: " + error,
                        Notifications.failure(command, error, details, now),
                        RotationTopology.WRITE_CRITICAL);
            case OUTCOME_UNKNOWN ->
                new Report(
                        ResultStatus.OUTCOME_UNKNOWN,
                        Statistic.FAILED_ROTATIONS,
                        "outcome unknown, not repeated: " + error,
                        Notifications.outcomeUnknown(command, error, details, now),
                        RotationTopology.WRITE_CRITICAL);
            case CANCELLED -> throw new IllegalStateException("a cancelled rotation is started again, not finished");
        };
    }

    private void eachVaultCall(final RotationCommand command, final Ended e) {
        for (final RotationOutcome.VaultCall call : e.calls()) {
            telemetry.vaultCall(
                    e.strategy(),
                    call.status() == 0 ? "no_response" : call.status() < 300 ? "ok" : "error",
                    Duration.ofMillis(call.durationMs()));
            if (vaultCallAudit == RotorConfig.VaultCallAudit.EACH) {
                audit(
                        command,
                        AuditDecision.VAULT_CALL,
                        call.method() + " " + call.path() + " -> " + answer(call),
                        e.completedAt(),
                        Map.of(
                                "method",
                                call.method(),
                                "path",
                                call.path(),
                                "status",
                                Integer.toString(call.status()),
                                "duration_ms",
                                Long.toString(call.durationMs())));
            }
        }
    }

    /**
     * The calls as ROTATION_FINISHED lists them with {@code rotor.audit.vault-calls=summary}: {@code vault_calls} =
     * "METHOD path -> status (N ms)" joined by "; " (at most {@value #CALLS_LISTED}, then "and N more"), and
     * {@code vault_call_count}. API paths and statuses only, as the VAULT_CALL records carry: never a value.
     */
    private Map<String, String> vaultCallSummary(final List<RotationOutcome.VaultCall> calls) {
        if (vaultCallAudit != RotorConfig.VaultCallAudit.SUMMARY) {
            return Map.of();
        }
        final StringBuilder listed = new StringBuilder();
        for (int i = 0; i < Math.min(CALLS_LISTED, calls.size()); i++) {
            final RotationOutcome.VaultCall call = calls.get(i);
            if (i > 0) {
                listed.append("; ");
            }
            listed.append(call.method())
                    .append(' ')
                    .append(call.path())
                    .append(" -> ")
                    .append(answer(call))
                    .append(" (")
                    .append(call.durationMs())
                    .append(" ms)");
        }
        if (calls.size() > CALLS_LISTED) {
            listed.append("; and ").append(calls.size() - CALLS_LISTED).append(" more");
        }
        return Map.of("vault_calls", listed.toString(), "vault_call_count", Integer.toString(calls.size()));
    }

    private static String answer(final RotationOutcome.VaultCall call) {
        return call.status() == 0 ? "no response" : Integer.toString(call.status());
    }

    /** The dependents' commands back onto rotation-commands, one cascade level deeper than {@code parent}. */
    private void dependents(final RotationCommand parent, final List<String> dependents, final long now) {
        for (final String dependent : dependents) {
            if (parent.getCascadeDepth() >= MAX_CASCADE_DEPTH) {
                audit(
                        parent,
                        AuditDecision.ROTATION_FINISHED,
                        "dependent " + dependent + " not rotated: cascade depth " + MAX_CASCADE_DEPTH + " reached",
                        now,
                        Map.of("dependent", dependent));
                continue;
            }
            final RotationCommand child = RotationCommand.newBuilder(parent)
                    .setCommandId("cmd-" + Hashing.id("cascade", parent.getCommandId(), dependent))
                    .setSecretPath(dependent)
                    .setRule("cascade")
                    .setRequestedAt(Instant.ofEpochMilli(now))
                    .setCascadeDepth(parent.getCascadeDepth() + 1)
                    .setParentCommandId(parent.getCommandId())
                    .build();
            context.forward(new Record<>(dependent, child, now), RotationTopology.WRITE_DEPENDENT_COMMANDS);
        }
    }
}
