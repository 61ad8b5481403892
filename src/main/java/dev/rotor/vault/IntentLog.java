package dev.rotor.vault;

import java.util.Optional;

/**
 * Where a rotation records its intent before it changes anything in Vault, for the strategies whose change Vault lets
 * rotor observe but not mark (transit, database, aws; kv2 writes its own marker into the secret): a fingerprint of the
 * state the change will alter, durable before the change is sent. A replay of the command (after a crash, a task move
 * or a rebalance) finds it, compares it with what Vault shows now, and so recognises its own finished work instead of
 * repeating it.
 */
public interface IntentLog {
    /** No earlier attempt, and nothing is kept: for tests and one-off rotations outside the executor. */
    IntentLog NONE = new IntentLog() {
        @Override
        public Optional<String> recorded() {
            return Optional.empty();
        }

        @Override
        public boolean record(final String fingerprint) {
            return true;
        }
    };

    /** The fingerprint an earlier attempt of this command recorded just before it may have changed the secret. */
    Optional<String> recorded();

    /**
     * Records {@code fingerprint} (the state before the change; {@link #UNOBSERVABLE} when Vault shows nothing that the
     * change alters) and returns once it is durable: true; false when it cannot be made durable because the rotation is
     * being cancelled (the task closes), in which case nothing may be sent.
     */
    boolean record(String fingerprint);

    /** The fingerprint of a state rotor cannot read (database root credentials). */
    String UNOBSERVABLE = "unobservable";
}
