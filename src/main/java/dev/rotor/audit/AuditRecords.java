package dev.rotor.audit;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.events.Hashing;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place rotation-audit records are made, by detection, the executor and the dead-letter handlers alike. A
 * record starts from its decision, reason and time, takes what it is about (an event, a command, a secret, a rule) and
 * ends with the parts its id is derived from: ids are deterministic, so a replay after a crash writes the same record
 * again.
 *
 * <p>Nothing here redacts: event fields are redacted when an event is normalised, and a reason or detail that quotes
 * input is redacted by its caller. Details are copied in their order, so a caller's map may change afterwards.
 */
public final class AuditRecords {
    private AuditRecords() {}

    /** A record of {@code decision} for {@code reason}, recorded at {@code recordedAt} (epoch milliseconds). */
    public static Draft decided(final AuditDecision decision, final String reason, final long recordedAt) {
        return new Draft(decision, reason, recordedAt);
    }

    /** An audit record being filled; {@link #identifiedBy} completes it. */
    public static final class Draft {
        private final AuditRecord.Builder record;

        private Draft(final AuditDecision decision, final String reason, final long recordedAt) {
            this.record = AuditRecord.newBuilder()
                    .setDecision(decision)
                    .setReason(reason)
                    .setRecordedAt(Instant.ofEpochMilli(recordedAt))
                    .setDetails(Map.of());
        }

        /** The event's id, type, threat level and time; nothing when {@code event} is null. */
        public Draft about(final SecurityEvent event) {
            if (event != null) {
                record.setEventId(event.getEventId())
                        .setEventType(event.getEventType())
                        .setThreatLevel(event.getThreatLevel())
                        .setEventTime(event.getTimestamp());
            }
            return this;
        }

        /** The command's secret, id, rule and the event that triggered it. */
        public Draft about(final RotationCommand command) {
            record.setEventId(command.getEventId())
                    .setSecretPath(command.getSecretPath())
                    .setCommandId(command.getCommandId())
                    .setRule(command.getRule())
                    .setEventType(command.getEventType())
                    .setThreatLevel(command.getThreatLevel())
                    .setEventTime(command.getTrigger().getTimestamp());
            return this;
        }

        public Draft secret(final String path) {
            record.setSecretPath(path);
            return this;
        }

        public Draft rule(final String rule) {
            record.setRule(rule);
            return this;
        }

        public Draft command(final String commandId) {
            record.setCommandId(commandId);
            return this;
        }

        public Draft eventId(final String eventId) {
            record.setEventId(eventId);
            return this;
        }

        public Draft eventTime(final Instant eventTime) {
            record.setEventTime(eventTime);
            return this;
        }

        public Draft details(final Map<String, String> details) {
            record.setDetails(Collections.unmodifiableMap(new LinkedHashMap<>(details)));
            return this;
        }

        /**
         * The finished record; its id is a hash of {@code parts}, which must name what makes this record unique (the
         * event or command, the secret or source, the decision).
         */
        public AuditRecord identifiedBy(final String... parts) {
            final String[] all = new String[parts.length + 1];
            all[0] = "audit";
            System.arraycopy(parts, 0, all, 1, parts.length);
            return record.setAuditId(Hashing.id(all)).build();
        }
    }
}
