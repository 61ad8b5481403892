package dev.rotor.detection;

import dev.rotor.adapters.Adaptation;
import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.events.Hashing;
import dev.rotor.redaction.Redaction;
import java.time.Instant;
import java.util.Map;

/**
 * Builds detection's audit records. Ids are deterministic so a replay after a crash writes the same record again. Event
 * fields are already redacted (normalisation); {@link #of}'s reason and details are rotor's own words and figures, or
 * redacted by the caller (a refused path). What an adapter says of a foreign record (a principal, a reason) is redacted
 * here ({@link Redaction}).
 */
final class AuditRecords {
    private AuditRecords() {}

    static AuditRecord of(
            final AuditDecision decision,
            final String reason,
            final SecurityEvent event,
            final String path,
            final String rule,
            final String commandId,
            final long recordedAt,
            final Map<String, String> details) {
        final String eventId = event == null ? null : event.getEventId();
        return AuditRecord.newBuilder()
                .setAuditId(Hashing.id("audit", eventId, path, decision.name()))
                .setDecision(decision)
                .setReason(reason)
                .setEventId(eventId)
                .setSecretPath(path)
                .setCommandId(commandId)
                .setRule(rule)
                .setEventType(event == null ? null : event.getEventType())
                .setThreatLevel(event == null ? null : event.getThreatLevel())
                .setEventTime(event == null ? null : event.getTimestamp())
                .setRecordedAt(Instant.ofEpochMilli(recordedAt))
                .setDetails(Map.copyOf(details))
                .build();
    }

    /** An adapted event whose principal maps to no secret (keyed and identified by event id and principal). */
    static AuditRecord unmapped(
            final SecurityEvent event, final String principal, final String rule, final long recordedAt) {
        final String shown = Redaction.text(principal);
        return AuditRecord.newBuilder(of(
                        AuditDecision.UNMAPPED,
                        "unmapped: principal " + shown
                                + " maps to no secret (principals: in the rotation targets); nothing rotated",
                        event,
                        null,
                        rule,
                        null,
                        recordedAt,
                        Map.of("principal", shown, "source", event.getMetadata().getOrDefault("source", ""))))
                .setAuditId(Hashing.id("audit", event.getEventId(), principal, AuditDecision.UNMAPPED.name()))
                .build();
    }

    /**
     * An adapted record (or one record of a batch) that is no security event; {@code at} is its topic-partition@offset.
     */
    static AuditRecord notRelevant(final Adaptation.NotRelevant n, final String at, final long recordedAt) {
        return AuditRecord.newBuilder()
                .setAuditId(Hashing.id("audit", n.eventId(), at, AuditDecision.NOT_RELEVANT.name()))
                .setDecision(AuditDecision.NOT_RELEVANT)
                .setReason(Redaction.text("not relevant: " + n.reason()))
                .setEventId(Redaction.holdsCredential(n.eventId()) ? null : n.eventId())
                .setEventTime(n.eventTime())
                .setRecordedAt(Instant.ofEpochMilli(recordedAt))
                .setDetails(Map.of("record", at))
                .build();
    }
}
