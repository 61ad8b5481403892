package dev.rotor.vault;

import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * One rotation to perform.
 *
 * @param commandId deterministic id of the command: at most 128 characters of {@code [A-Za-z0-9._:-]} (kv2 refuses
 *     anything else before calling Vault); written to the secret's custom_metadata (kv2) with the intent, so a replay
 *     after a crash or a task move is recognised and never rotates twice
 * @param secretPath validated Vault logical path, mount first ({@code secret/prod/db}); allowed by the targets file
 * @param reason short, value-free reason for custom_metadata (e.g. the rule and the indicator); sanitised to printable
 *     ASCII and capped at 512 bytes before it is written, never trusted to be short
 * @param manual a manual_trigger: rotates even when the secret changed after the trigger (no reconciliation)
 * @param triggerTime event time of the trigger; a kv2 secret written after it is ALREADY_MITIGATED (unless manual)
 * @param deadline transient errors are retried until this instant; then the outcome is FAILED
 * @param cancelled asked before every Vault call and between retries: true before the secret was changed stops the
 *     rotation with outcome CANCELLED; once the change was sent it is ignored and the rotation finishes its
 *     bookkeeping. A cancel never cuts an HTTP call short (use it instead of interrupting)
 * @param intents where the strategies without a marker in Vault record their intent before the change, and find an
 *     earlier attempt's ({@link IntentLog#NONE} outside the executor)
 */
public record RotationRequest(
        String commandId,
        String secretPath,
        String reason,
        boolean manual,
        Instant triggerTime,
        Instant deadline,
        BooleanSupplier cancelled,
        IntentLog intents) {
    private static boolean never() {
        return false;
    }

    public RotationRequest {
        cancelled = cancelled == null ? RotationRequest::never : cancelled;
        intents = intents == null ? IntentLog.NONE : intents;
    }

    /** A request that is never cancelled. */
    public RotationRequest(
            final String commandId,
            final String secretPath,
            final String reason,
            final boolean manual,
            final Instant triggerTime,
            final Instant deadline) {
        this(commandId, secretPath, reason, manual, triggerTime, deadline, null, null);
    }

    /** The same request with another deadline (a replay of the command). */
    public RotationRequest withDeadline(final Instant newDeadline) {
        return new RotationRequest(commandId, secretPath, reason, manual, triggerTime, newDeadline, cancelled, intents);
    }

    /** The same request with a cancellation signal. */
    public RotationRequest withCancellation(final BooleanSupplier signal) {
        return new RotationRequest(commandId, secretPath, reason, manual, triggerTime, deadline, signal, intents);
    }
}
