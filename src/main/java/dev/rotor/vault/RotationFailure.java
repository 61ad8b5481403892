package dev.rotor.vault;

/**
 * Why a rotation ends as FAILED. The message is value-free (a path, a status, field names) and becomes the outcome's
 * error, so it is what operators read in the critical alert.
 */
final class RotationFailure extends Exception {
    private final VaultCallException vaultError;

    RotationFailure(final String message) {
        this(message, null);
    }

    RotationFailure(final String message, final VaultCallException vaultError) {
        super(message, null, false, false);
        this.vaultError = vaultError;
    }

    static RotationFailure of(final VaultCallException e) {
        return new RotationFailure(e.getMessage(), e);
    }

    static RotationFailure interrupted() {
        return new RotationFailure("interrupted");
    }

    /** The Vault error behind this failure, if there was one. */
    VaultCallException vaultError() {
        return vaultError;
    }
}
