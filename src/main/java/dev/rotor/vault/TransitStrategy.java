package dev.rotor.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * {@code transit}: {@code POST {mount}/keys/{name}/rotate} adds a new key version (older versions still decrypt).
 * The versions come from {@code latest_version}: read before rotating, and from the rotate answer (Vault >= 1.14) or
 * a read afterwards (older Vault answers 204). A token that may rotate but not read the key still rotates (versions
 * unknown). Retried after timeouts: rotating twice only adds one more version.
 */
final class TransitStrategy implements RotationStrategy {
    @Override
    public String name() {
        return "transit";
    }

    @Override
    public Result rotate(final RotationRun run, final TargetSpec spec, final String secretPath) throws RotationFailure {
        final String key = spec.mountOf(secretPath) + "/keys/" + spec.nameOf(secretPath);
        final Long before = latestVersion(run, key);
        final VaultResponse rotated = run.writeChange(key + "/rotate", JsonNodeFactory.instance.objectNode());
        Long after = version(rotated.data());
        if (after == null) {
            after = latestVersion(run, key);
        }
        return Result.rotated(before, after);
    }

    private static Long latestVersion(final RotationRun run, final String key) throws RotationFailure {
        try {
            return version(run.read(key).data());
        } catch (final RotationFailure f) {
            if (f.vaultError() != null && f.vaultError().kind() == VaultCallException.Kind.PERMISSION_DENIED) {
                return null;
            }
            throw f;
        }
    }

    private static Long version(final JsonNode data) {
        final JsonNode v = data.path("latest_version");
        return v.canConvertToLong() && v.isNumber() ? v.asLong() : null;
    }
}
