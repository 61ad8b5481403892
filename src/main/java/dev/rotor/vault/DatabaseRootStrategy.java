package dev.rotor.vault;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * {@code database-root}: {@code POST {mount}/rotate-root/{name}} makes Vault replace the root credential of a
 * database connection. Retried after timeouts: rotating twice only leaves a newer root password that only Vault knows.
 */
final class DatabaseRootStrategy implements RotationStrategy {
    @Override
    public String name() {
        return "database-root";
    }

    @Override
    public Result rotate(final RotationRun run, final TargetSpec spec, final String secretPath) throws RotationFailure {
        run.writeChange(spec.mountOf(secretPath) + "/rotate-root/" + spec.nameOf(secretPath),
                JsonNodeFactory.instance.objectNode());
        return Result.rotated(null, null);
    }
}
