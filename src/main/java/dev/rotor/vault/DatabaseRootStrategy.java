package dev.rotor.vault;

/**
 * {@code database-root}: {@code POST {mount}/rotate-root/{name}} makes Vault replace the root credential of a database
 * connection. Vault shows nothing that this changes, so the intent is recorded as unobservable before the call
 * ({@link ObservedChange}): the call is sent once; 429 and 503 are retried (Vault did not take it), and when a crash or
 * a lost answer leaves it unknown whether Vault applied it, the outcome is OUTCOME_UNKNOWN with a critical
 * notification, never a second rotation (a second one would leave a root password that nobody checked).
 */
final class DatabaseRootStrategy implements RotationStrategy {
    @Override
    public String name() {
        return "database-root";
    }

    @Override
    public Result rotate(final RotationRun run, final TargetSpec spec, final String secretPath) throws RotationFailure {
        final String connection = spec.mountOf(secretPath) + "/config/" + spec.nameOf(secretPath);
        ObservedChange.apply(
                run,
                spec.mountOf(secretPath) + "/rotate-root/" + spec.nameOf(secretPath),
                () -> IntentLog.UNOBSERVABLE,
                "whether the root credential of " + connection + " was rotated");
        return Result.rotated(null, null);
    }
}
