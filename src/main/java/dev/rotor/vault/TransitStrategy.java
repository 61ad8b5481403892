package dev.rotor.vault;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code transit}: {@code POST {mount}/keys/{name}/rotate} adds a new key version (older versions still decrypt).
 * Exactly once through {@link ObservedChange}, observing the key's {@code latest_version}: a replay or a lost answer
 * reads it again instead of adding a second version. The versions come from that read and from the rotate answer (Vault
 * >= 1.14) or a read afterwards (older Vault answers 204). A token that may rotate but not read the key still rotates
 * once (versions unknown), and a replay then reports OUTCOME_UNKNOWN rather than rotate again.
 */
final class TransitStrategy implements RotationStrategy {
    @Override
    public String name() {
        return "transit";
    }

    @Override
    public Result rotate(final RotationRun run, final TargetSpec spec, final String secretPath) throws RotationFailure {
        final String key = spec.mountOf(secretPath) + "/keys/" + spec.nameOf(secretPath);
        final ObservedChange.Applied applied = ObservedChange.apply(
                run,
                key + "/rotate",
                () -> ObservedChange.fingerprintOf(run, key, "latest_version"),
                "the versions of transit key " + key);
        final Long before = number(applied.before());
        Long after = applied.answer() == null ? null : version(applied.answer().data());
        if (after == null && before != null) {
            after = version(run.read(key).data());
        }
        return new Result(
                applied.changedNow() ? RotationOutcome.Kind.ROTATED : RotationOutcome.Kind.ALREADY_APPLIED,
                before,
                after);
    }

    private static Long number(final String fingerprint) {
        try {
            return Long.valueOf(fingerprint);
        } catch (final NumberFormatException e) {
            return null;
        }
    }

    private static Long version(final JsonNode data) {
        final JsonNode v = data.path("latest_version");
        return v.canConvertToLong() && v.isNumber() ? v.asLong() : null;
    }
}
