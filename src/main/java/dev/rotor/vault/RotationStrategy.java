package dev.rotor.vault;

/**
 * How one kind of secret is rotated (DESIGN.md §4). Implementations call Vault only through the {@link RotationRun},
 * which records the calls and applies the retry rule; they throw {@link RotationFailure} for a FAILED outcome.
 */
interface RotationStrategy {
    /** The strategy's name in rotation-targets.yaml ({@code kv2}, {@code transit}, ...). */
    String name();

    Result rotate(RotationRun run, TargetSpec spec, String secretPath) throws RotationFailure;

    /**
     * A non-failed result; versions are null when the engine has none (database, leases, AWS). {@code error} is set
     * only for ROTATED_INCOMPLETE (which follow-up step failed).
     */
    record Result(RotationOutcome.Kind kind, Long oldVersion, Long newVersion, String error) {
        Result(final RotationOutcome.Kind kind, final Long oldVersion, final Long newVersion) {
            this(kind, oldVersion, newVersion, null);
        }

        static Result rotated(final Long oldVersion, final Long newVersion) {
            return new Result(RotationOutcome.Kind.ROTATED, oldVersion, newVersion);
        }
    }
}
