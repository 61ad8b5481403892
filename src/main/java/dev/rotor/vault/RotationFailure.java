package dev.rotor.vault;

/**
 * Why a rotation ends as FAILED (or CANCELLED, or OUTCOME_UNKNOWN). The message is value-free (a path, a status, field
 * names) and becomes the outcome's error, so it is what operators read in the critical alert.
 */
final class RotationFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final VaultCallException vaultError;
    private final RotationOutcome.Kind kind;

    RotationFailure(final String message) {
        this(message, null);
    }

    RotationFailure(final String message, final VaultCallException vaultError) {
        this(message, vaultError, RotationOutcome.Kind.FAILED);
    }

    private RotationFailure(
            final String message, final VaultCallException vaultError, final RotationOutcome.Kind kind) {
        super(message, null, false, false);
        this.vaultError = vaultError;
        this.kind = kind;
    }

    static RotationFailure of(final VaultCallException e) {
        return new RotationFailure(e.getMessage(), e);
    }

    static RotationFailure interrupted() {
        return new RotationFailure("interrupted");
    }

    static RotationFailure cancelled() {
        return new RotationFailure(
                "cancelled before the secret was changed (nothing was rotated)", null, RotationOutcome.Kind.CANCELLED);
    }

    /** The change may or may not have been applied and nothing in Vault tells: a person must check. */
    static RotationFailure outcomeUnknown(final String message, final VaultCallException cause) {
        return new RotationFailure(message, cause, RotationOutcome.Kind.OUTCOME_UNKNOWN);
    }

    /** The same failure with more said about it (same kind and Vault error). */
    RotationFailure explained(final String message) {
        return new RotationFailure(message, vaultError, kind);
    }

    /** The Vault error behind this failure, if there was one. */
    VaultCallException vaultError() {
        return vaultError;
    }

    /** FAILED, CANCELLED or OUTCOME_UNKNOWN. */
    RotationOutcome.Kind kind() {
        return kind;
    }
}
