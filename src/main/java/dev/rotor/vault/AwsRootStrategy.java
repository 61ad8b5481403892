package dev.rotor.vault;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * {@code aws-root}: {@code POST {mount}/config/rotate-root} replaces the AWS engine's root IAM access key. Retried
 * after timeouts: a second rotation only replaces the key again. The new access key id in the answer is not kept.
 */
final class AwsRootStrategy implements RotationStrategy {
    @Override
    public String name() {
        return "aws-root";
    }

    @Override
    public Result rotate(final RotationRun run, final TargetSpec spec, final String secretPath) throws RotationFailure {
        run.writeChange(spec.mountOf(secretPath) + "/config/rotate-root", JsonNodeFactory.instance.objectNode());
        return Result.rotated(null, null);
    }
}
