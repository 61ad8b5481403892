package dev.rotor.vault;

import java.util.List;

/**
 * What a rotation did. Never contains a secret value or a token.
 *
 * @param kind the result
 * @param strategy the strategy used (kv2, database-static-role, ...), or "none" when no target matched
 * @param oldVersion the secret's version before (kv2, transit), when known
 * @param newVersion the version after, when known
 * @param error for FAILED and CANCELLED: why; for ROTATED_INCOMPLETE: which follow-up step failed. A clear, value-free
 *     message, e.g. {@code permission denied on secret/data/prod/db}; null otherwise
 * @param calls every Vault call made, in order, for the audit trail
 * @param dependents secret paths the target names as dependents, to be rotated after the secret changed
 */
public record RotationOutcome(
        Kind kind,
        String strategy,
        Long oldVersion,
        Long newVersion,
        String error,
        List<VaultCall> calls,
        List<String> dependents) {
    public enum Kind {
        /** Rotated now. */
        ROTATED,
        /**
         * This command had already changed the secret (a replay after a crash or a task move, or a second run of the
         * same command at the same time): not changed again; any unfinished follow-up steps were completed now.
         */
        ALREADY_APPLIED,
        /** The secret was changed after the triggering event (kv2 updated_time), so it was not rotated. */
        ALREADY_MITIGATED,
        /**
         * The secret was changed (the leaked value is no longer current), but a follow-up step failed even after
         * retries: quarantine of the replaced version (still readable) or the rotation marker. {@code error} names the
         * step. Needs an operator, like FAILED, but the dependents must still be rotated.
         */
        ROTATED_INCOMPLETE,
        /** Stopped on request before the secret was changed (the task moved, rotor is stopping): nothing to report. */
        CANCELLED,
        /** Could not rotate: a permanent error, or transient errors until the deadline. */
        FAILED,
        /**
         * rotor cannot tell whether the change was applied (an earlier attempt may have sent it before a crash, or
         * Vault did not answer it) and Vault shows nothing that would tell, so it was not sent again: a person must
         * check. {@code error} says what is unknown.
         */
        OUTCOME_UNKNOWN;

        /**
         * Everything but FAILED, CANCELLED and OUTCOME_UNKNOWN: the leaked value is no longer current, or never was.
         */
        public boolean success() {
            return this != FAILED && this != CANCELLED && this != OUTCOME_UNKNOWN;
        }
    }

    /** One HTTP exchange with Vault, without bodies. {@code status} is 0 when no response came (timeout, refused). */
    public record VaultCall(String method, String path, int status, long durationMs) {}

    /**
     * Whether the leaked value is no longer current, or nothing had to be done (everything but FAILED, CANCELLED and
     * OUTCOME_UNKNOWN).
     */
    public boolean success() {
        return kind.success();
    }

    /** Whether this rotation (now or before a replay) changed the secret: its dependents must follow. */
    public boolean secretChanged() {
        return kind == Kind.ROTATED || kind == Kind.ALREADY_APPLIED || kind == Kind.ROTATED_INCOMPLETE;
    }

    /** FAILED with {@code error} after {@code calls} (none when it failed before calling Vault); no dependents. */
    public static RotationOutcome failed(final String strategy, final String error, final List<VaultCall> calls) {
        return new RotationOutcome(Kind.FAILED, strategy, null, null, error, calls, List.of());
    }
}
