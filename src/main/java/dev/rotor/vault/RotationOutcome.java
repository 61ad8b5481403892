package dev.rotor.vault;

import java.util.List;

/**
 * What a rotation did. Never contains a secret value or a token.
 *
 * @param kind       the result
 * @param strategy   the strategy used (kv2, database-static-role, ...), or "none" when no target matched
 * @param oldVersion the secret's version before (kv2, transit), when known
 * @param newVersion the version after, when known
 * @param error      for FAILED: a clear, value-free message, e.g. {@code permission denied on secret/data/prod/db}
 * @param calls      every Vault call made, in order, for the audit trail
 * @param dependents secret paths the target names as dependents, to be rotated after a successful rotation
 */
public record RotationOutcome(Kind kind, String strategy, Long oldVersion, Long newVersion, String error,
                              List<VaultCall> calls, List<String> dependents) {
    public enum Kind {
        /** Rotated now. */
        ROTATED,
        /** This command had already been applied (its id is in the secret's custom_metadata): nothing done again. */
        ALREADY_APPLIED,
        /** The secret was changed after the triggering event (kv2 updated_time), so it was not rotated. */
        ALREADY_MITIGATED,
        /** Could not rotate: a permanent error, or transient errors until the deadline. */
        FAILED
    }

    /** One HTTP exchange with Vault, without bodies. {@code status} is 0 when no response came (timeout, refused). */
    public record VaultCall(String method, String path, int status, long durationMs) {
    }

    public boolean success() {
        return kind != Kind.FAILED;
    }
}
