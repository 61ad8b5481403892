package dev.rotor.vault;

import java.time.Instant;

/**
 * One rotation to perform.
 *
 * @param commandId   deterministic id of the command; written to the secret's custom_metadata (kv2) so a replay after
 *                    a crash is recognised and never rotates twice
 * @param secretPath  validated Vault logical path, mount first ({@code secret/prod/db}); allowed by the targets file
 * @param reason      short, value-free reason for the audit trail and custom_metadata (e.g. the rule and event type)
 * @param manual      a manual_trigger: rotates even when the secret changed after the trigger (no reconciliation)
 * @param triggerTime event time of the trigger; a kv2 secret written after it is ALREADY_MITIGATED (unless manual)
 * @param deadline    transient errors are retried until this instant; then the outcome is FAILED
 */
public record RotationRequest(String commandId, String secretPath, String reason, boolean manual, Instant triggerTime,
                              Instant deadline) {
}
