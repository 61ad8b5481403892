package dev.rotor.detection;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.serde.Hashing;
import java.time.Instant;
import java.util.Map;

/** Builds detection's audit records. Ids are deterministic so a replay after a crash writes the same record again. */
final class AuditRecords {
    private AuditRecords() {
    }

    static AuditRecord of(final AuditDecision decision, final String reason, final SecurityEvent event,
                          final String path, final String rule, final String commandId, final long recordedAt,
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
}
