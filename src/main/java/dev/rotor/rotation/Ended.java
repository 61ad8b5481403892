package dev.rotor.rotation;

import dev.rotor.vault.RotationOutcome;
import java.util.List;

/**
 * How the handling of one command ended, as its result, audit records and notification report it: a value object
 * instead of a long list of positional parameters.
 *
 * @param strategy the strategy that ran, or "none"
 * @param startedAt when the rotation (or the decision) began, rotor's clock
 * @param completedAt when it ended
 * @param oldVersion the secret's version before, when the strategy knows one
 * @param newVersion the version after
 * @param error why it failed, was held or is incomplete; null otherwise
 * @param calls the Vault calls made, for the audit trail
 * @param dependents the secrets to rotate next (cascade)
 */
record Ended(
        String strategy,
        long startedAt,
        long completedAt,
        Long oldVersion,
        Long newVersion,
        String error,
        List<RotationOutcome.VaultCall> calls,
        List<String> dependents) {

    /** Decided at {@code at} without calling Vault (a duplicate, a dry run, a hold, a refusal). */
    static Ended at(final long at, final String error) {
        return between(at, at, error);
    }

    /** Decided without calling Vault, {@code from} the moment it began waiting {@code to} now (a closed hold). */
    static Ended between(final long from, final long to, final String error) {
        return new Ended("none", from, to, null, null, error, List.of(), List.of());
    }

    /** What a worker's rotation reported. */
    static Ended of(final RotationOutcome o, final long startedAt, final long completedAt) {
        return new Ended(
                o.strategy(),
                startedAt,
                completedAt,
                o.oldVersion(),
                o.newVersion(),
                o.error(),
                o.calls(),
                o.dependents());
    }
}
