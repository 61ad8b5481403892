package dev.rotor.vault;

import dev.rotor.events.Hashing;

/**
 * {@code aws-root}: {@code POST {mount}/config/rotate-root} replaces the AWS engine's root IAM access key. Exactly once
 * through {@link ObservedChange}, observing the root access key id ({@code GET {mount}/config/root}; only a hash of it
 * is kept as the fingerprint, never the id itself): a replay or a lost answer reads it again instead of replacing the
 * key twice. The new access key id in the answer is not kept.
 */
final class AwsRootStrategy implements RotationStrategy {
    @Override
    public String name() {
        return "aws-root";
    }

    @Override
    public Result rotate(final RotationRun run, final TargetSpec spec, final String secretPath) throws RotationFailure {
        final String config = spec.mountOf(secretPath) + "/config/root";
        final ObservedChange.Applied applied = ObservedChange.apply(
                run,
                spec.mountOf(secretPath) + "/config/rotate-root",
                () -> {
                    final String keyId = ObservedChange.fingerprintOf(run, config, "access_key");
                    return keyId.equals(IntentLog.UNOBSERVABLE) ? keyId : Hashing.id("aws-root-key", keyId);
                },
                "the root access key of " + config);
        return new Result(
                applied.changedNow() ? RotationOutcome.Kind.ROTATED : RotationOutcome.Kind.ALREADY_APPLIED, null, null);
    }
}
