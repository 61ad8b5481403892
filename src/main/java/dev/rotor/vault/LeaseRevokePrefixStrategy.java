package dev.rotor.vault;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * {@code lease-revoke-prefix}: {@code sys/leases/revoke-prefix/{prefix}} (prefix = the target's {@code prefix} option,
 * else the secret path) revokes every lease issued under it, so leaked dynamic credentials stop working. Sent as POST
 * (Vault treats POST and PUT alike; the driver's own revokePrefix does the same) without {@code sync}, so Vault revokes
 * before answering 204. Revoking again is harmless, so timeouts are retried.
 */
final class LeaseRevokePrefixStrategy implements RotationStrategy {
    @Override
    public String name() {
        return "lease-revoke-prefix";
    }

    @Override
    public Result rotate(final RotationRun run, final TargetSpec spec, final String secretPath) throws RotationFailure {
        run.writeChange(
                "sys/leases/revoke-prefix/" + spec.prefix().orElse(secretPath), JsonNodeFactory.instance.objectNode());
        return Result.rotated(null, null);
    }
}
