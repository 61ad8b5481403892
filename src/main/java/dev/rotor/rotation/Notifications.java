package dev.rotor.rotation;

import dev.rotor.avro.Notification;
import dev.rotor.avro.RotationCommand;
import dev.rotor.redaction.Redaction;
import java.time.Instant;
import java.util.Map;

/**
 * The security team's messages, in the original implementation's words (DESIGN.md §5), with two changes: timestamps are
 * UTC ISO-8601 with {@code Z}, and credentials an event's sender put into its description, source address or metadata
 * are shown as {@value #REDACTED} ({@link Redaction}: secret-named keys and credential-shaped values). Detection
 * redacted the command's trigger already; it is redacted again here (a command from before redaction, or from another
 * producer), because a notification is where a leaked credential does most harm: people read it and forward it. Errors
 * and details are rotor's own words and identifiers (paths, ids), never an event's text.
 */
public final class Notifications {
    public static final String ALERTS_CHANNEL = "security-alerts";
    public static final String CRITICAL_CHANNEL = "security-critical";
    public static final String REDACTED = Redaction.REDACTED;

    private Notifications() {}

    /** The success text; the Source IP line and the details block appear only when there is something to show. */
    public static String successText(final RotationCommand command) {
        final StringBuilder b = new StringBuilder()
                .append("🔐 Emergency Credential Rotation Triggered\n\n")
                .append("Secret: ")
                .append(command.getSecretPath())
                .append('\n')
                .append("Trigger: ")
                .append(command.getEventType())
                .append('\n')
                .append("Threat Level: ")
                .append(command.getThreatLevel())
                .append('\n')
                .append("Description: ")
                .append(Redaction.text(command.getTrigger().getDescription()))
                .append('\n')
                .append("Timestamp: ")
                .append(command.getTrigger().getTimestamp())
                .append('\n');
        if (command.getTrigger().getSourceIp() != null) {
            b.append("Source IP: ")
                    .append(Redaction.text(command.getTrigger().getSourceIp()))
                    .append('\n');
        }
        final Map<String, String> metadata =
                Redaction.metadata(command.getTrigger().getMetadata());
        if (!metadata.isEmpty()) {
            b.append("\nAdditional Details:\n");
            metadata.forEach(
                    (k, v) -> b.append("  ").append(k).append(": ").append(v).append('\n'));
        }
        return b.toString();
    }

    public static String failureText(final RotationCommand command, final String error) {
        return "🚨 EMERGENCY ROTATION FAILED 🚨\n\n"
                + "Secret: " + command.getSecretPath() + "\n"
                + "Trigger: " + command.getEventType() + "\n"
                + "Threat Level: " + command.getThreatLevel() + "\n"
                + "Error: " + error + "\n\n"
                + "IMMEDIATE ACTION REQUIRED!";
    }

    /** A rotation that changed the secret but could not finish its follow-up steps: a person must finish them. */
    public static String incompleteText(final RotationCommand command, final String error) {
        return "⚠️ EMERGENCY ROTATION INCOMPLETE ⚠️\n\n"
                + "Secret: " + command.getSecretPath() + "\n"
                + "Trigger: " + command.getEventType() + "\n"
                + "Threat Level: " + command.getThreatLevel() + "\n"
                + "The secret was rotated, but: " + error + "\n\n"
                + "IMMEDIATE ACTION REQUIRED!";
    }

    /** A rotation rotor cannot tell the outcome of, and did not repeat: a person must check the secret. */
    public static String outcomeUnknownText(final RotationCommand command, final String error) {
        return "⚠️ EMERGENCY ROTATION OUTCOME UNKNOWN ⚠️\n\n"
                + "Secret: " + command.getSecretPath() + "\n"
                + "Trigger: " + command.getEventType() + "\n"
                + "Threat Level: " + command.getThreatLevel() + "\n"
                + "Not rotated again: " + error + "\n\n"
                + "IMMEDIATE ACTION REQUIRED!";
    }

    public static Notification outcomeUnknown(
            final RotationCommand command, final String error, final Map<String, String> details, final Instant now) {
        return Notification.newBuilder()
                .setChannel(CRITICAL_CHANNEL)
                .setPriority("critical")
                .setMessage(outcomeUnknownText(command, error))
                .setMetadata(details)
                .setCreatedAt(now)
                .build();
    }

    public static Notification incomplete(
            final RotationCommand command, final String error, final Map<String, String> details, final Instant now) {
        return Notification.newBuilder()
                .setChannel(CRITICAL_CHANNEL)
                .setPriority("critical")
                .setMessage(incompleteText(command, error))
                .setMetadata(details)
                .setCreatedAt(now)
                .build();
    }

    public static Notification success(
            final RotationCommand command, final Map<String, String> details, final Instant now) {
        return Notification.newBuilder()
                .setChannel(ALERTS_CHANNEL)
                .setPriority("high")
                .setMessage(successText(command))
                .setMetadata(details)
                .setCreatedAt(now)
                .build();
    }

    public static Notification failure(
            final RotationCommand command, final String error, final Map<String, String> details, final Instant now) {
        return Notification.newBuilder()
                .setChannel(CRITICAL_CHANNEL)
                .setPriority("critical")
                .setMessage(failureText(command, error))
                .setMetadata(details)
                .setCreatedAt(now)
                .build();
    }
}
