package dev.rotor.vault;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * {@code database-static-role}: {@code POST {mount}/rotate-role/{name}} makes Vault set a new password for the static
 * role's database user. Retried after timeouts without reading back: a second rotation is harmless (the role just
 * gets another fresh password), and Vault offers nothing to read that would tell the two apart.
 */
final class DatabaseStaticRoleStrategy implements RotationStrategy {
    @Override
    public String name() {
        return "database-static-role";
    }

    @Override
    public Result rotate(final RotationRun run, final TargetSpec spec, final String secretPath) throws RotationFailure {
        run.writeChange(spec.mountOf(secretPath) + "/rotate-role/" + spec.nameOf(secretPath),
                JsonNodeFactory.instance.objectNode());
        return Result.rotated(null, null);
    }
}
