package dev.rotor.vault;

/**
 * {@code database-static-role}: {@code POST {mount}/rotate-role/{name}} makes Vault set a new password for the static
 * role's database user. Exactly once through {@link ObservedChange}, observing the role's {@code last_vault_rotation}
 * ({@code GET {mount}/static-roles/{name}}, which shows no password): a replay or a lost answer reads it again instead
 * of rotating twice. Without read access to the role a replay reports OUTCOME_UNKNOWN.
 */
final class DatabaseStaticRoleStrategy implements RotationStrategy {
    @Override
    public String name() {
        return "database-static-role";
    }

    @Override
    public Result rotate(final RotationRun run, final TargetSpec spec, final String secretPath) throws RotationFailure {
        final String mount = spec.mountOf(secretPath);
        final String name = spec.nameOf(secretPath);
        final ObservedChange.Applied applied = ObservedChange.apply(
                run,
                mount + "/rotate-role/" + name,
                () -> ObservedChange.fingerprintOf(run, mount + "/static-roles/" + name, "last_vault_rotation"),
                "the last rotation time of static role " + mount + "/static-roles/" + name);
        return new Result(
                applied.changedNow() ? RotationOutcome.Kind.ROTATED : RotationOutcome.Kind.ALREADY_APPLIED, null, null);
    }
}
