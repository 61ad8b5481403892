package dev.rotor.rotation;

import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.Notification;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.RotationResult;

/** What the executor passes to its sinks; never serialised as such. */
sealed interface ExecutorOutput {
    record Result(RotationResult result) implements ExecutorOutput {
    }

    /** A notification; {@code critical} ones go to security-critical, the others to security-alerts. */
    record Alert(Notification notification, boolean critical) implements ExecutorOutput {
    }

    record Audit(AuditRecord record) implements ExecutorOutput {
    }

    /** A dependent's command (cascading rotation), back onto rotation-commands. */
    record Cascade(RotationCommand command) implements ExecutorOutput {
    }
}
