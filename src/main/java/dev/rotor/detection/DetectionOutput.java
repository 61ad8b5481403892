package dev.rotor.detection;

import org.apache.kafka.clients.producer.ProducerRecord;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.SecurityEvent;

/** What detection's processors pass downstream within one sub-topology; never serialised as such. */
sealed interface DetectionOutput {
    /** One secret's slice of an event, on its way to the rules (keyed by secret path). */
    record PerSecretEvent(SecurityEvent event) implements DetectionOutput {
    }

    record Audit(AuditRecord record) implements DetectionOutput {
    }

    record Command(RotationCommand command) implements DetectionOutput {
    }

    /** A refused record's dead letter, built in a punctuation where no exception handler can do it. */
    record DeadLetter(ProducerRecord<byte[], byte[]> record) implements DetectionOutput {
    }
}
